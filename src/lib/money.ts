/** Decimal places of ISO 4217 currencies that differ from 2 (the default). */
const exponents: Record<string, number> = {
  BHD: 3,
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  IQD: 3,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  PYG: 0,
  RWF: 0,
  TND: 3,
  UGX: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
};

export const currencyExponent = (currency: string): number => exponents[currency.toUpperCase()] ?? 2;

/** "12.5" in BRL -> 1250. Exact (string arithmetic, no floats); more decimals than the currency has are rejected. */
export function toMinorUnits(decimal: string | number, currency: string): number {
  const text = typeof decimal === 'number' ? decimal.toFixed(currencyExponent(currency)) : decimal.trim();
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`Not a decimal amount: ${JSON.stringify(decimal)}`);
  const exponent = currencyExponent(currency);
  const [, sign, whole = '0', fraction = ''] = match;
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > exponent) throw new Error(`${text} has more decimals than ${currency} allows`);
  const minor = Number(whole) * 10 ** exponent + Number(trimmed.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new Error(`Amount out of range: ${text}`);
  return sign ? -minor : minor;
}

/** 1250 in BRL -> "12.50". */
export function fromMinorUnits(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new Error(`Minor units must be an integer: ${amount}`);
  const exponent = currencyExponent(currency);
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 10 ** exponent);
  const fraction = exponent === 0 ? '' : `.${String(abs % 10 ** exponent).padStart(exponent, '0')}`;
  return `${amount < 0 ? '-' : ''}${whole}${fraction}`;
}
