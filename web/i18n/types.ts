import type { en } from './en.ts';

export const locales = ['en', 'pt-BR'] as const;
export type Locale = (typeof locales)[number];

export type MessageKey = keyof typeof en;

/** The `{name}` placeholders of an English message, as a union of names. */
export type Params<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Params<Rest> : never;
type MessageParams<K extends MessageKey> = Params<(typeof en)[K]>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** A translation must keep every placeholder of the English message. */
type Translation<P extends string> = [P] extends [never] ? string : UnionToIntersection<P extends string ? `${string}{${P}}${string}` : never>;

/** A complete dictionary: every key of `en`, nothing else, same placeholders. */
export type Dictionary = { readonly [K in MessageKey]: Translation<MessageParams<K>> };

/** Keys whose message has no placeholders: safe to pass around as data (e.g. a nav label). */
export type PlainMessageKey = { [K in MessageKey]: [MessageParams<K>] extends [never] ? K : never }[MessageKey];

export type Vars<K extends MessageKey> = Record<MessageParams<K>, string | number>;
type TArgs<K extends MessageKey> = [MessageParams<K>] extends [never] ? [] : [vars: Vars<K>];

/** `t('key')`, or `t('key', { name: value })` when the message has placeholders (both type-checked). */
export type Translate = <K extends MessageKey>(key: K, ...args: TArgs<K>) => string;
