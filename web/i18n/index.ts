export { formatDate, formatDateTime, formatDuration, formatMoney, formatTime } from './format.ts';
export { I18nProvider, useLocale, useT } from './i18n-provider.tsx';
export { localeNames } from './locale.ts';
export { type Locale, locales, type MessageKey, type PlainMessageKey, type Translate } from './types.ts';
