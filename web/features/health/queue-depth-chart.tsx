import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatTime, useLocale, useT } from '../../i18n/index.ts';

export interface DepthSample {
  at: number;
  depth: number;
  active: number;
}

/** Queue depth and running jobs, sampled by the page every few seconds while it is open (Recharts, loaded on demand). */
export default function QueueDepthChart({ samples }: { samples: DepthSample[] }) {
  const t = useT();
  const { locale } = useLocale();
  const labels = { depth: t('health.queue.depth'), active: t('health.queue.active') };
  return (
    <div className="h-48 w-full" data-testid="queue-depth-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={samples} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid vertical={false} stroke="var(--color-border)" />
          <XAxis
            dataKey="at"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(value: number) => formatTime(value, locale)}
            tick={{ fill: 'var(--color-muted-foreground)', fontSize: 11 }}
            tickLine={false}
            axisLine={false}
            minTickGap={32}
          />
          <YAxis allowDecimals={false} tick={{ fill: 'var(--color-muted-foreground)', fontSize: 11 }} tickLine={false} axisLine={false} width={40} />
          <Tooltip
            labelFormatter={(value) => formatTime(Number(value), locale)}
            formatter={(value, name) => [value, labels[name as keyof typeof labels] ?? name]}
            contentStyle={{
              background: 'var(--color-popover)',
              border: '1px solid var(--color-border)',
              borderRadius: 8,
              color: 'var(--color-popover-foreground)',
              fontSize: 12,
            }}
          />
          <Line type="monotone" dataKey="depth" stroke="var(--color-info)" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="active" stroke="var(--color-success)" strokeWidth={2} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
