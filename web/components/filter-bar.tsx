import { Search } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';
import { Input } from './ui/input.tsx';

/** The panel above a filtered list: search, chips and a grid of fields. */
export function FilterBar({ children, className, 'data-testid': testId }: { children: ReactNode; className?: string; 'data-testid'?: string }) {
  return (
    <div className={cn('grid gap-3 rounded-lg border bg-card p-4', className)} data-testid={testId}>
      {children}
    </div>
  );
}

/** A search box with its icon; the label is also the placeholder. */
export function SearchInput({
  value,
  onChange,
  label,
  className,
  'data-testid': testId,
}: {
  value: string;
  onChange: (value: string) => void;
  label: string;
  className?: string;
  'data-testid'?: string;
}) {
  return (
    <div className={cn('relative min-w-56 flex-1', className)}>
      <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
      <Input
        type="search"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        placeholder={label}
        aria-label={label}
        className="pl-8"
        data-testid={testId}
      />
    </div>
  );
}

/** A row of toggle chips (several may be on), e.g. statuses. */
export function FilterChips<T extends string>({
  label,
  options,
  selected,
  onToggle,
  optionLabel,
  testIdPrefix,
  'data-testid': testId,
}: {
  label: string;
  options: readonly T[];
  selected: readonly T[];
  onToggle: (value: T) => void;
  optionLabel: (value: T) => string;
  /** Each chip's data-testid is this prefix plus its value. */
  testIdPrefix: string;
  'data-testid'?: string;
}) {
  return (
    <fieldset className="flex flex-wrap items-center gap-1.5" data-testid={testId}>
      <legend className="sr-only">{label}</legend>
      <span className="mr-1 font-medium text-muted-foreground text-xs">{label}</span>
      {options.map((value) => {
        const on = selected.includes(value);
        return (
          <button
            key={value}
            type="button"
            aria-pressed={on}
            onClick={() => onToggle(value)}
            data-testid={`${testIdPrefix}${value}`}
            className={cn(
              'rounded-full border px-2.5 py-1 text-xs transition-colors focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50',
              on ? 'border-foreground bg-foreground text-background' : 'text-muted-foreground hover:bg-accent hover:text-foreground',
            )}
          >
            {optionLabel(value)}
          </button>
        );
      })}
    </fieldset>
  );
}
