import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { MAX_UPLOAD_BYTES, type PlanFileType, type UploadRejection } from '../../contracts/plans.ts';
import { AppError } from '../../lib/errors.ts';

/** What extraction reads from a report: a table (CSV, XLSX) or text (PDF, plain text). */
export type ExtractedReport =
  | { kind: 'table'; columns: string[]; rows: Record<string, string>[]; totalRows: number; sheet?: string }
  | { kind: 'text'; text: string; pages?: number };

/** Rows and characters analysis looks at; the rest is counted but not read. */
const MAX_ROWS = 50_000;
export const MAX_TEXT_CHARS = 2_000_000;

export const uploadError = (reason: UploadRejection, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(reason === 'file_too_large' ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION', message, { reason, ...extra });

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** Binary formats people upload by mistake: named so the 400 says what was sent. */
const knownBinaries: Array<{ name: string; magic: number[] }> = [
  { name: 'PNG image', magic: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG image', magic: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'legacy Excel (.xls) or Word document', magic: [0xd0, 0xcf, 0x11, 0xe0] },
  { name: 'gzip archive', magic: [0x1f, 0x8b] },
  { name: 'RAR archive', magic: [0x52, 0x61, 0x72, 0x21] },
  { name: '7-Zip archive', magic: [0x37, 0x7a, 0xbc, 0xaf] },
  { name: 'executable', magic: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'executable', magic: [0x4d, 0x5a] },
];

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

const extensionOf = (name: string) => name.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1] ?? '';

function decodeUtf8(buf: Buffer): string | null {
  if (buf.includes(0)) return null;
  try {
    // A UTF-8 byte order mark is dropped by the decoder.
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/** A delimiter that splits the first lines into the same number (>= 2) of columns. */
function sniffDelimiter(text: string): string | null {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 5);
  if (lines.length < 2) return null;
  for (const d of [',', ';', '\t', '|']) {
    const counts = lines.map((l) => l.split(d).length);
    if ((counts[0] ?? 0) >= 2 && counts.every((c) => c === counts[0])) return d;
  }
  return null;
}

/**
 * The file's type from its content (magic bytes; text must be UTF-8), the extension only telling CSV from plain
 * text. Throws a 400 with `details.reason` for an unsupported type and a 413 over the limit.
 */
export function detectFileType(buf: Buffer, fileName: string, mimeType = ''): PlanFileType {
  if (buf.length > MAX_UPLOAD_BYTES)
    throw uploadError('file_too_large', `The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, { limit: MAX_UPLOAD_BYTES });
  if (buf.length === 0) throw uploadError('empty_file', 'The file is empty');
  if (startsWith(buf, PDF)) return 'pdf';
  if (startsWith(buf, ZIP)) {
    if (buf.includes('[Content_Types].xml') || extensionOf(fileName) === 'xlsx') return 'xlsx';
    throw uploadError('unsupported_file_type', 'A ZIP archive that is not an XLSX workbook: upload a CSV, XLSX, PDF or plain text report', { detected: 'zip' });
  }
  const binary = knownBinaries.find((b) => startsWith(buf, b.magic));
  if (binary)
    throw uploadError('unsupported_file_type', `Unsupported file type (${binary.name}): upload a CSV, XLSX, PDF or plain text report`, {
      detected: binary.name,
    });
  const text = decodeUtf8(buf);
  if (text === null)
    throw uploadError('unsupported_file_type', 'Unsupported file type (binary content): upload a CSV, XLSX, PDF or plain text report', { detected: 'binary' });
  const ext = extensionOf(fileName);
  if (ext === 'csv' || ext === 'tsv' || mimeType === 'text/csv') return 'csv';
  if (ext === 'txt' || ext === 'md') return 'text';
  return sniffDelimiter(text) ? 'csv' : 'text';
}

const cleanHeader = (h: unknown, i: number) => (String(h ?? '').trim() === '' ? `column_${i + 1}` : String(h).trim());

function parseCsv(text: string): ExtractedReport {
  const delimiter = sniffDelimiter(text) ?? ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, to: MAX_ROWS + 1 });
  } catch (error) {
    throw uploadError('corrupt_file', `The CSV file could not be read: ${(error as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header || body.length === 0) throw uploadError('empty_file', 'The CSV file has no data rows (a header line and at least one row are needed)');
  const columns = header.map(cleanHeader);
  const rows = body.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? ''])));
  return { kind: 'table', columns, rows, totalRows: rows.length };
}

const cellText = (value: ExcelJS.CellValue): string => {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('error' in value) return '';
  }
  return String(value);
};

async function parseXlsx(buf: Buffer): Promise<ExtractedReport> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (error) {
    throw uploadError('corrupt_file', `The XLSX workbook could not be read: ${(error as Error).message}`);
  }
  // The first sheet with a header and at least one data row.
  for (const sheet of workbook.worksheets) {
    const values: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      if (values.length > MAX_ROWS) return;
      const cells = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
      if (cells.some((c) => c.trim() !== '')) values.push(cells);
    });
    const [header, ...body] = values;
    if (!header || body.length === 0) continue;
    const columns = header.map(cleanHeader);
    const rows = body.map((r) => Object.fromEntries(columns.map((c, i) => [c, (r[i] ?? '').trim()])));
    return { kind: 'table', columns, rows, totalRows: rows.length, sheet: sheet.name };
  }
  throw uploadError('empty_file', 'The workbook has no sheet with a header row and data');
}

async function parsePdf(buf: Buffer): Promise<ExtractedReport> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  let pages: number;
  let text: string;
  try {
    const pdf = await getDocumentProxy(new Uint8Array(buf));
    const result = await extractText(pdf, { mergePages: true });
    pages = result.totalPages;
    text = result.text;
  } catch (error) {
    throw uploadError('corrupt_file', `The PDF could not be read: ${(error as Error).message}`);
  }
  if (text.trim() === '') throw uploadError('empty_file', 'The PDF has no text (scanned images are not read)');
  return { kind: 'text', text: text.slice(0, MAX_TEXT_CHARS), pages };
}

/** Reads a report; a corrupt or empty file is the same 400 whether found at upload or in the job. */
export async function extractReport(buf: Buffer, type: PlanFileType): Promise<ExtractedReport> {
  if (type === 'xlsx') return parseXlsx(buf);
  if (type === 'pdf') return parsePdf(buf);
  const text = (decodeUtf8(buf) ?? '').replace(/^\uFEFF/, '');
  if (text.trim() === '') throw uploadError('empty_file', 'The file has only blank content');
  if (type === 'csv') return parseCsv(text);
  return { kind: 'text', text: text.slice(0, MAX_TEXT_CHARS) };
}

/** The report as text, for the plan row and a model's context. */
export function reportText(report: ExtractedReport): string {
  if (report.kind === 'text') return report.text;
  const lines = [report.columns.join('\t'), ...report.rows.map((r) => report.columns.map((c) => r[c] ?? '').join('\t'))];
  return lines.join('\n').slice(0, MAX_TEXT_CHARS);
}

/** A short description of what was read (kept on the plan). */
export function reportSummary(report: ExtractedReport): Record<string, unknown> {
  return report.kind === 'table'
    ? { kind: 'table', columns: report.columns, rows: report.totalRows, ...(report.sheet ? { sheet: report.sheet } : {}) }
    : { kind: 'text', characters: report.text.length, ...(report.pages ? { pages: report.pages } : {}) };
}
