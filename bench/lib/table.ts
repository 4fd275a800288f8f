export interface Table {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

/** A plain-text table: the first column left-aligned (labels), the others right-aligned (figures). */
export function formatTable({ title, columns, rows }: Table): string {
  const cells = [columns, ...rows.map((row) => columns.map((_, i) => String(row[i] ?? '')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [title, line(cells[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
