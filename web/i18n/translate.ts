import { en } from './en.ts';
import { ptBR } from './pt-br.ts';
import type { Dictionary, Locale, MessageKey, Translate } from './types.ts';

const dictionaries: Record<Locale, Dictionary> = { en, 'pt-BR': ptBR };

/** Builds `t` for one locale: looks the key up and fills `{placeholders}` from `vars`. */
export function createTranslator(locale: Locale): Translate {
  const dictionary = dictionaries[locale];
  const translate = (key: MessageKey, vars?: Record<string, string | number>): string => {
    const message: string = dictionary[key];
    if (!vars) return message;
    return message.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
  };
  return translate as Translate;
}
