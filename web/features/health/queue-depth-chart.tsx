import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisProps, chartMargin, gridProps, labelledValue, tooltipStyle, valueAxisProps } from '../../components/chart-style.ts';
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
        <LineChart data={samples} margin={chartMargin}>
          <CartesianGrid {...gridProps} />
          <XAxis
            dataKey="at"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(value: number) => formatTime(value, locale)}
            {...axisProps}
            minTickGap={32}
          />
          <YAxis {...valueAxisProps} />
          <Tooltip labelFormatter={(value) => formatTime(Number(value), locale)} formatter={labelledValue(labels)} {...tooltipStyle} />
          <Line type="monotone" dataKey="depth" stroke="var(--color-info)" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line type="monotone" dataKey="active" stroke="var(--color-success)" strokeWidth={2} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
