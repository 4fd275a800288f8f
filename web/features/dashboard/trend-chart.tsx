import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisProps, chartMargin, gridProps, labelledValue, tooltipStyle, valueAxisProps } from '../../components/chart-style.ts';
import { useLocale, useT } from '../../i18n/index.ts';

export interface TrendDay {
  date: string;
  created: number;
  approved: number;
  rejected: number;
  completed: number;
}

const series = [
  { key: 'created', color: 'var(--color-info)' },
  { key: 'approved', color: 'var(--color-warning)' },
  { key: 'completed', color: 'var(--color-success)' },
  { key: 'rejected', color: 'var(--color-danger)' },
] as const;

/** `YYYY-MM-DD` as a short day in the locale ("Mar 4" / "4 de mar."), read as a calendar date (no time-zone shift). */
function shortDay(date: string, locale: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(new Date(year, month - 1, day));
}

/** The 30-day trend of created, approved, completed and rejected tasks (Recharts, loaded on demand). */
export default function TrendChart({ days }: { days: TrendDay[] }) {
  const t = useT();
  const { locale } = useLocale();
  const labels: Record<(typeof series)[number]['key'], string> = {
    created: t('dashboard.trend.created'),
    approved: t('dashboard.trend.approved'),
    completed: t('dashboard.trend.completed'),
    rejected: t('dashboard.trend.rejected'),
  };
  return (
    <div className="h-72 w-full" data-testid="trend-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={days} margin={chartMargin}>
          <defs>
            {series.map(({ key, color }) => (
              <linearGradient key={key} id={`trend-${key}`} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={color} stopOpacity={0.25} />
                <stop offset="100%" stopColor={color} stopOpacity={0} />
              </linearGradient>
            ))}
          </defs>
          <CartesianGrid {...gridProps} />
          <XAxis dataKey="date" tickFormatter={(value: string) => shortDay(value, locale)} {...axisProps} minTickGap={24} />
          <YAxis {...valueAxisProps} />
          <Tooltip labelFormatter={(value) => shortDay(String(value), locale)} formatter={labelledValue(labels)} {...tooltipStyle} />
          <Legend
            itemSorter={null}
            formatter={(value: string) => labels[value as keyof typeof labels] ?? value}
            iconType="circle"
            iconSize={8}
            wrapperStyle={{ fontSize: 12 }}
          />
          {series.map(({ key, color }) => (
            <Area key={key} type="monotone" dataKey={key} stroke={color} strokeWidth={2} fill={`url(#trend-${key})`} dot={false} isAnimationActive={false} />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
