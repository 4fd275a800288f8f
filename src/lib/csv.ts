/**
 * A small RFC 4180 CSV reader and writer (csv-parse is not a dependency; feeds need only this).
 * Reads quoted fields with embedded delimiters, quotes ("") and line breaks, CRLF or LF endings,
 * a UTF-8 byte order mark, and `,`, `;` or tab delimiters (detected from the header line).
 * Malformed records are reported with the line they start on and skipped, never silently merged.
 */
export interface CsvRecord {
  /** 1-based line where the record starts (a quoted line break makes records span lines). */
  line: number;
  fields: string[];
}

export interface CsvSyntaxError {
  line: number;
  message: string;
}

export interface CsvParseResult {
  records: CsvRecord[];
  errors: CsvSyntaxError[];
  delimiter: string;
}

const BOM = '\uFEFF';

/** The delimiter of the first line (outside quotes): the most frequent of `,`, `;` and tab; `,` on a tie. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char in counts) counts[char] = (counts[char] ?? 0) + 1;
  }
  return Object.entries(counts).reduce((best, entry) => (entry[1] > best[1] ? entry : best), [',', 0] as [string, number])[0];
}

export function parseCsv(input: string, options: { delimiter?: string } = {}): CsvParseResult {
  const text = input.startsWith(BOM) ? input.slice(1) : input;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let broken: string | null = null;
    let atFieldStart = true;
    let ended = false;
    while (i < n && !ended) {
      const char = text[i] as string;
      if (atFieldStart && char === '"') {
        // Quoted field: runs to the next lone quote.
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            closed = true;
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (!closed) {
          errors.push({ line: quoteLine, message: 'a quoted field is never closed (the file may be truncated)' });
          return { records, errors, delimiter };
        }
        atFieldStart = false;
        const next = text[i];
        if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r' && broken === null) {
          broken = `unexpected ${JSON.stringify(next)} after a closing quote (quotes inside a field must be doubled)`;
        }
        continue;
      }
      if (char === delimiter) {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i++;
        continue;
      }
      if (char === '\r' || char === '\n') {
        i += char === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        ended = true;
        continue;
      }
      if (char === '"' && broken === null) broken = 'a quote inside an unquoted field (quote the field and double the quote)';
      field += char;
      atFieldStart = false;
      i++;
    }
    fields.push(field);
    if (broken !== null) errors.push({ line: startLine, message: broken });
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
  }
  return { records, errors, delimiter };
}

const needsQuotes = (value: string, delimiter: string) =>
  value.includes('"') || value.includes(delimiter) || value.includes('\n') || value.includes('\r') || value !== value.trim();

/** RFC 4180 output: CRLF line ends, fields quoted only when they need it. */
export function stringifyCsv(rows: ReadonlyArray<ReadonlyArray<string>>, options: { delimiter?: string } = {}): string {
  const delimiter = options.delimiter ?? ',';
  return rows
    .map((row) => row.map((value) => (needsQuotes(value, delimiter) ? `"${value.replace(/"/g, '""')}"` : value)).join(delimiter))
    .map((line) => `${line}\r\n`)
    .join('');
}
