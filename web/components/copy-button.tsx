import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useT } from '../i18n/index.ts';
import { Button, type ButtonProps } from './ui/button.tsx';

/** Writes `value` to the clipboard and says so for two seconds. */
export function CopyButton({ value, label, ...props }: { value: string; label?: string } & Omit<ButtonProps, 'onClick' | 'value'>) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!copied && !failed) return;
    const timer = setTimeout(() => {
      setCopied(false);
      setFailed(false);
    }, 2_000);
    return () => clearTimeout(timer);
  }, [copied, failed]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      setFailed(true);
    }
  };

  return (
    <Button variant="outline" size="sm" onClick={() => void copy()} data-copied={copied || undefined} {...props}>
      {copied ? <Check className="text-success" /> : <Copy />}
      <span aria-live="polite">{copied ? t('common.copied') : failed ? t('common.copyFailed') : (label ?? t('common.copy'))}</span>
    </Button>
  );
}

/** A secret or link in monospace, selectable in one click, with a copy button next to it. */
export function CopyField({ value, testId, label }: { value: string; testId?: string; label?: string }) {
  return (
    <div className="flex items-stretch gap-2">
      <code data-testid={testId} className="min-w-0 flex-1 select-all break-all rounded-md border bg-muted/50 px-3 py-2 font-mono text-xs leading-relaxed">
        {value}
      </code>
      <CopyButton value={value} className="h-auto self-stretch" {...(label ? { label } : {})} data-testid={testId ? `${testId}-copy` : undefined} />
    </div>
  );
}
