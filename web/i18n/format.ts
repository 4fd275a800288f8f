import type { Locale, Translate } from './types.ts';

/** A clock time in the locale's format, with seconds (14:03:22 / 2:03:22 PM). */
export function formatTime(iso: string | number | Date, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', second: '2-digit' }).format(date);
}

/** A duration as its two largest units: "3 d 4 h", "12 min 5 s". */
export function formatDuration(totalSeconds: number, t: Translate): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const parts: Array<[number, 'duration.days' | 'duration.hours' | 'duration.minutes' | 'duration.seconds']> = [
    [Math.floor(seconds / 86_400), 'duration.days'],
    [Math.floor((seconds % 86_400) / 3_600), 'duration.hours'],
    [Math.floor((seconds % 3_600) / 60), 'duration.minutes'],
    [seconds % 60, 'duration.seconds'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  if (first === -1) return t('duration.seconds', { n: 0 });
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([n, key]) => t(key, { n }))
    .join(' ');
}

/** A date and time in the locale's format ("Mar 4, 2026, 2:03 PM" / "4 de mar. de 2026, 14:03"). */
export function formatDateTime(iso: string | number | Date, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A calendar date in the locale's format ("Mar 4, 2026" / "4 de mar. de 2026"). */
export function formatDate(iso: string | number | Date, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

/** Integer minor units in a currency ("R$ 19,90" / "$19.90"), with the currency's own number of decimals. */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}
