import type { ReactNode } from 'react';
import type { TooltipValueType } from 'recharts';

/** The look every Recharts chart shares: theme-variable colours, small ticks, no axis lines, a popover tooltip. */
export const chartMargin = { top: 8, right: 8, bottom: 0, left: -16 };

export const gridProps = { vertical: false, stroke: 'var(--color-border)' };

export const axisProps = { tick: { fill: 'var(--color-muted-foreground)', fontSize: 11 }, tickLine: false, axisLine: false };

export const valueAxisProps = { ...axisProps, allowDecimals: false, width: 40 };

export const tooltipStyle = {
  contentStyle: {
    background: 'var(--color-popover)',
    border: '1px solid var(--color-border)',
    borderRadius: 8,
    color: 'var(--color-popover-foreground)',
    fontSize: 12,
  },
  labelStyle: { color: 'var(--color-muted-foreground)', marginBottom: 4 },
};

/** A tooltip formatter that shows each series under its translated label. */
export const labelledValue =
  (labels: Record<string, string>) =>
  (value: TooltipValueType | undefined, name: string | number | undefined): [ReactNode, string] => [value, labels[String(name)] ?? String(name)];
