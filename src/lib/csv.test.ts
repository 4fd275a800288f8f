import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsv, stringifyCsv } from './csv.ts';

describe('parseCsv (RFC 4180)', () => {
  it('reads quoted delimiters, doubled quotes and line breaks inside quotes, with line numbers', () => {
    const text = 'sku,title,description\r\nA-1,"Mug, large","He said ""hi""\nsecond line"\r\nA-2,Plain,\r\n';
    const { records, errors } = parseCsv(text);
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['sku', 'title', 'description'] },
      { line: 2, fields: ['A-1', 'Mug, large', 'He said "hi"\nsecond line'] },
      { line: 4, fields: ['A-2', 'Plain', ''] },
    ]);
  });

  it('strips a UTF-8 byte order mark and accepts LF, CRLF and a missing final line break', () => {
    const { records } = parseCsv('\uFEFFsku,qty\nA,1\r\nB,2');
    expect(records.map((r) => r.fields)).toEqual([
      ['sku', 'qty'],
      ['A', '1'],
      ['B', '2'],
    ]);
  });

  it('detects semicolon and tab delimiters from the header line', () => {
    expect(detectDelimiter('sku;price;currency\n"a,b";1,50;BRL')).toBe(';');
    expect(detectDelimiter('sku\tprice\n')).toBe('\t');
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(parseCsv('sku;price\nA;"1,50"\n').records[1]?.fields).toEqual(['A', '1,50']);
  });

  it('reports malformed records with their line and keeps the others', () => {
    const { records, errors } = parseCsv('a,b\n1,x"y\n2,"z"w\n3,ok\n');
    expect(records.map((r) => r.fields[0])).toEqual(['a', '3']);
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
    expect(errors[0]?.message).toMatch(/quote inside an unquoted field/);
  });

  it('reports a quote that is never closed (a truncated file) at the line it opened', () => {
    const { records, errors } = parseCsv('a,b\n1,"never\nclosed');
    expect(records).toHaveLength(1);
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(/never closed/) }]);
  });

  it('skips blank lines', () => {
    expect(parseCsv('a\n\n1\n\n').records.map((r) => r.line)).toEqual([1, 3]);
  });

  it('round-trips any table through stringifyCsv', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', ';', '"', '\n', '\r', 'é', '0') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (table) => {
        const width = table[0]?.length ?? 2;
        const rows = table.map((row) => [...row, ...Array(width).fill('x')].slice(0, width)).map((row) => ['k', ...row]);
        const { records, errors } = parseCsv(stringifyCsv(rows), { delimiter: ',' });
        expect(errors).toEqual([]);
        expect(records.map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});
