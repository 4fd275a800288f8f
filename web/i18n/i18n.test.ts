import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { formatDuration } from './format.ts';
import { localeFromLanguage } from './locale.ts';
import { ptBR } from './pt-br.ts';
import { createTranslator } from './translate.ts';

describe('i18n', () => {
  it('translates and fills placeholders', () => {
    const t = createTranslator('pt-BR');
    expect(t('nav.tasks')).toBe('Tarefas');
    expect(t('notFound.body', { path: '/x' })).toContain('/x');
    expect(createTranslator('en')('error.http', { status: 503 })).toBe('The server answered 503.');
  });

  it('has a real Portuguese translation for every key with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    expect(Object.keys(ptBR).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(ptBR[key]), key).toEqual(placeholders(en[key]));
    }
    const identical = (Object.keys(en) as Array<keyof typeof en>).filter((key) => en[key] === ptBR[key]);
    // Names, units and loanwords only (Nexo, Jobs, Workers, Node.js, PostgreSQL, E-mail, Marketplace, "{n} h"…).
    expect(identical.length).toBeLessThan(18);
  });

  it('picks pt-BR for any Portuguese browser language, English otherwise', () => {
    expect(localeFromLanguage('pt-BR')).toBe('pt-BR');
    expect(localeFromLanguage('pt')).toBe('pt-BR');
    expect(localeFromLanguage('pt-PT')).toBe('pt-BR');
    expect(localeFromLanguage('en-GB')).toBe('en');
    expect(localeFromLanguage('es')).toBe('en');
    expect(localeFromLanguage(undefined)).toBe('en');
  });

  it('formats durations as their two largest units', () => {
    const t = createTranslator('en');
    expect(formatDuration(0, t)).toBe('0 s');
    expect(formatDuration(59.9, t)).toBe('59 s');
    expect(formatDuration(3_725, t)).toBe('1 h 2 min');
    expect(formatDuration(90_000, t)).toBe('1 d 1 h');
    expect(formatDuration(86_400, t)).toBe('1 d');
  });
});
