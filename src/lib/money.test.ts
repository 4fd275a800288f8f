import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMinorUnits, toMinorUnits } from './money.ts';

describe('money', () => {
  it('converts decimal strings exactly', () => {
    expect(toMinorUnits('12.34', 'USD')).toBe(1234);
    expect(toMinorUnits('12.5', 'BRL')).toBe(1250);
    expect(toMinorUnits('12.50', 'BRL')).toBe(1250);
    expect(toMinorUnits('0.10', 'EUR')).toBe(10);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1500.0', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
    expect(toMinorUnits('-3.07', 'USD')).toBe(-307);
    expect(fromMinorUnits(1234, 'USD')).toBe('12.34');
    expect(fromMinorUnits(5, 'USD')).toBe('0.05');
    expect(fromMinorUnits(1500, 'JPY')).toBe('1500');
    expect(fromMinorUnits(-307, 'USD')).toBe('-3.07');
  });

  it('rejects amounts the currency cannot hold and garbage', () => {
    expect(() => toMinorUnits('1.234', 'USD')).toThrow(/more decimals/);
    expect(() => toMinorUnits('1.5', 'JPY')).toThrow(/more decimals/);
    expect(() => toMinorUnits('12,34', 'USD')).toThrow(/Not a decimal/);
    expect(() => toMinorUnits('', 'USD')).toThrow(/Not a decimal/);
  });

  it('round-trips every amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('USD', 'JPY', 'KWD', 'BRL'), (amount, currency) => {
        expect(toMinorUnits(fromMinorUnits(amount, currency), currency)).toBe(amount);
      }),
    );
  });
});
