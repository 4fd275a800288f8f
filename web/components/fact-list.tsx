import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';

/** Label / value pairs in two columns (drawers and detail panes). */
export function FactList({ facts, className }: { facts: Array<[string, ReactNode]>; className?: string }) {
  return (
    <dl className={cn('grid grid-cols-2 gap-x-4 gap-y-2 text-sm', className)}>
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt className="text-muted-foreground text-xs">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A drawer section with its small uppercase heading. */
export function DetailSection({ title, children, 'data-testid': testId }: { title: string; children: ReactNode; 'data-testid'?: string }) {
  return (
    <section className="space-y-2" data-testid={testId}>
      <h3 className="font-medium text-muted-foreground text-xs uppercase tracking-wider">{title}</h3>
      {children}
    </section>
  );
}
