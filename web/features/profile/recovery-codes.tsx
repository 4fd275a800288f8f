import { Download, TriangleAlert } from 'lucide-react';
import { CopyButton } from '../../components/copy-button.tsx';
import { Button } from '../../components/ui/button.tsx';
import { useT } from '../../i18n/index.ts';

/** Single-use recovery codes, shown once: copy them or download a .txt. */
export function RecoveryCodes({ codes, account }: { codes: readonly string[]; account: string }) {
  const t = useT();
  const text = `${t('twoFactor.recovery.fileHeader', { account })}\n\n${codes.join('\n')}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'nexo-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };
  return (
    <div className="space-y-3" data-testid="recovery-codes">
      <p className="flex items-start gap-2 rounded-md border border-warning/30 bg-warning/10 px-3 py-2 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
        {t('twoFactor.recovery.warning')}
      </p>
      <ol className="grid grid-cols-2 gap-x-6 gap-y-1.5 rounded-md border bg-muted/40 px-4 py-3 font-mono text-sm">
        {codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-2">
        <CopyButton value={codes.join('\n')} label={t('twoFactor.recovery.copy')} data-testid="recovery-copy" />
        <Button variant="outline" size="sm" onClick={download} data-testid="recovery-download">
          <Download />
          {t('twoFactor.recovery.download')}
        </Button>
      </div>
    </div>
  );
}
