import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planDataSchema } from '../../contracts/plans.ts';
import { detectFileType } from './plan-files.ts';
import { normalizePlanData } from './plan-normalize.ts';
import { detectColumns, toNumber } from './plan-rules.ts';

describe('plan normalization (seed 002 failure points A and B)', () => {
  it('numbers phases without `number` by order, keeping the valid numbers others have', () => {
    const { data } = normalizePlanData(
      {
        phases: [
          { name: 'a', tasks: ['x'] },
          { number: 3, name: 'c' },
          { name: 'Fase 2', tasks: ['y'] },
        ],
      },
      ['amazon'],
    );
    expect(data.phases.map((p) => [p.number, p.name])).toEqual([
      [1, 'a'],
      [2, 'Fase 2'],
      [3, 'c'],
    ]);
  });

  it('duplicate numbers: the later phase gets the next free number', () => {
    const { data, repairs } = normalizePlanData(
      {
        phases: [
          { number: 1, tasks: ['x'] },
          { number: 1, tasks: ['y'] },
        ],
      },
      ['amazon'],
    );
    expect(data.phases.map((p) => p.number)).toEqual([1, 2]);
    expect(repairs).toHaveLength(1);
  });

  it('a missing or empty Phase 1 comes from the high-priority opportunities, at most five', () => {
    const opportunities = Array.from({ length: 7 }, (_, i) => ({
      title: `O${i}`,
      what: `do ${i}`,
      priority: i % 2 ? 'alta' : 'baixa',
      channel: 'Mercado Livre',
    }));
    const { data } = normalizePlanData({ opportunities, phases: [{ number: 1, tasks: [] }] }, ['amazon']);
    expect(data.phases[0]?.tasks).toEqual(['O1: do 1', 'O3: do 3', 'O5: do 5']);
    expect(data.opportunities[0]).toMatchObject({ channel: 'mercadolivre', priority: 'low' });
  });

  it('never throws and always returns a valid plan with a Phase 1, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const { data } = normalizePlanData(raw, ['shopee']);
        expect(planDataSchema.safeParse(data).success).toBe(true);
        expect(data.phases[0]?.number).toBe(1);
        expect(data.phases[0]?.tasks.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.record({
          summary: fc.anything(),
          opportunities: fc.array(fc.dictionary(fc.string(), fc.anything())),
          phases: fc.array(fc.dictionary(fc.string(), fc.anything())),
        }),
        (raw) => {
          expect(planDataSchema.safeParse(normalizePlanData(raw, ['kaway']).data).success).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('report reading', () => {
  it('types by content: PDF, XLSX, text, CSV; images and binaries refused with their reason', () => {
    expect(detectFileType(Buffer.from('%PDF-1.7\n...'), 'report.csv')).toBe('pdf');
    expect(detectFileType(Buffer.from('PK\x03\x04....[Content_Types].xml'), 'x.bin')).toBe('xlsx');
    expect(detectFileType(Buffer.from('a;b;c\n1;2;3\n'), 'export')).toBe('csv');
    expect(detectFileType(Buffer.from('Relatório de vendas: estoque baixo.'), 'notes')).toBe('text');
    expect(() => detectFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'report.csv')).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'unsupported_file_type' }) }),
    );
    expect(() => detectFileType(Buffer.alloc(0), 'report.csv')).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ reason: 'empty_file' }) }),
    );
  });

  it('columns in English or Portuguese, numbers in either notation', () => {
    expect(detectColumns(['Código SKU', 'Título do anúncio', 'Preço', 'Estoque', 'Vendas', 'Visitas', 'Conversão', 'Avaliação'])).toEqual({
      sku: 'Código SKU',
      title: 'Título do anúncio',
      price: 'Preço',
      stock: 'Estoque',
      sales: 'Vendas',
      views: 'Visitas',
      conversion: 'Conversão',
      rating: 'Avaliação',
    });
    expect([toNumber('R$ 1.234,56'), toNumber('1,234.5'), toNumber('0,8%'), toNumber(''), toNumber('-')]).toEqual([
      1234.56,
      1234.5,
      0.8,
      Number.NaN,
      Number.NaN,
    ]);
  });
});
