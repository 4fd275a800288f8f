import { type Locale, locales } from './types.ts';

/** localStorage key for the chosen language (also read by web/public/boot.js). */
export const LOCALE_STORAGE_KEY = 'nexo.locale';

/** The names shown in the language menu, each in its own language (never translated). */
export const localeNames: Record<Locale, string> = { en: 'English', 'pt-BR': 'Português (Brasil)' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** pt, pt-BR, pt-PT… → pt-BR; anything else → en. */
export function localeFromLanguage(language: string | undefined): Locale {
  return language && /^pt\b/i.test(language) ? 'pt-BR' : 'en';
}

export function readStoredLocale(): Locale | null {
  try {
    const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    /* storage blocked: the choice lasts for this page only */
  }
}

/** Saved choice first, then the browser's language. */
export function initialLocale(): Locale {
  return readStoredLocale() ?? localeFromLanguage(globalThis.navigator?.language);
}
