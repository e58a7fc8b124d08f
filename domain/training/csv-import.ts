import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { Unzip, UnzipInflate } from 'fflate';
import { ValidationError } from '../shared/errors';
import { PayloadTooLargeError } from '../shared/limits';
import { parseDate } from '../shared/dates';
import { courseMatcher, DELIVERY_MODES, normalizeLabel, type Course, type DeliveryMode } from './courses';
import { CompletionInput } from './completions';
import type { PlanRole } from './plan';
import {
  CSV_COLUMNS,
  CSV_FIELDS,
  HEADER_SCAN_ROWS,
  IMPORT_ENCODINGS,
  MAX_IMPORT_BYTES,
  MAX_JOB_BYTES,
  MAX_JOB_ROWS,
  REQUEST_LIMITS,
  type CsvField,
  type ImportEncoding,
  type ImportLimits,
  type ImportMappingRules,
} from './import-format';

export * from './import-format';

/**
 * A rejected row: its line and what is wrong, naming the column and the problem but never
 * echoing a cell (the stored import record must hold nothing of the people in the file).
 */
export interface RejectedRow {
  line: number;
  reasons: string[];
}

/** One row of the file as cells, with its line (CSV) or row number (spreadsheet). */
export interface FileRecord {
  line: number;
  cells: string[];
}

/** What was read from the bytes: the rows as text and how they were read. */
export interface ReadFile {
  format: 'csv' | 'xlsx';
  /** CSV only: the encoding the bytes were decoded with. */
  encoding?: ImportEncoding;
  /** CSV only: the field separator found. */
  delimiter?: string;
  records: FileRecord[];
}

function matchHeaders(header: readonly string[], columns: ImportMappingRules['columns'] = {}) {
  const index: Partial<Record<CsvField, number>> = {};
  const normalized = header.map((h) => normalizeLabel(String(h ?? '')));
  // An explicit mapping wins over the built-in header names.
  const explicit = new Map(Object.entries(columns).map(([h, f]) => [normalizeLabel(h), f]));
  normalized.forEach((h, at) => {
    const field = h ? explicit.get(h) : undefined;
    if (field && index[field] === undefined) index[field] = at;
  });
  const taken = new Set(Object.values(index));
  for (const [field, spec] of Object.entries(CSV_COLUMNS) as [CsvField, (typeof CSV_COLUMNS)[CsvField]][]) {
    if (index[field] !== undefined) continue;
    const names = [field, ...spec.headers].map(normalizeLabel);
    const at = normalized.findIndex((h, i) => !taken.has(i) && !explicit.has(h) && names.includes(h));
    if (at >= 0) {
      index[field] = at;
      taken.add(at);
    }
  }
  const missing = CSV_FIELDS.filter((f) => CSV_COLUMNS[f].required && index[f] === undefined);
  return { index, missing };
}

function missingColumns(missing: CsvField[]): ValidationError {
  return new ValidationError(
    missing.map((f) => ({ path: `csv.${f}`, message: `No column for ${f}; accepted headers: ${CSV_COLUMNS[f].headers.join(', ')}` })),
    'The file lacks required columns.',
  );
}

/** Maps each documented field to the index of its column, or reports what is missing. */
export function mapHeaders(header: readonly string[], columns?: ImportMappingRules['columns']): Partial<Record<CsvField, number>> {
  const { index, missing } = matchHeaders(header, columns);
  if (missing.length) throw missingColumns(missing);
  return index;
}

const fileError = (message: string) => new ValidationError([{ path: 'file', message }], message);

const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a text file: a byte-order mark says UTF-8 or UTF-16; otherwise the encoding the
 * caller named; otherwise UTF-8 if the bytes are valid UTF-8, else Windows-1252 (what Excel's
 * "CSV (Comma delimited)" writes on UK Windows).
 */
export function decodeText(bytes: Uint8Array, named?: (typeof IMPORT_ENCODINGS)[number]): { text: string; encoding: ImportEncoding } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let encoding: ImportEncoding;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) encoding = 'utf-8';
  else if (startsWith(bytes, [0xff, 0xfe])) encoding = 'utf-16le';
  else if (startsWith(bytes, [0xfe, 0xff])) encoding = 'utf-16be';
  else if (named) encoding = named;
  else encoding = isUtf8(bytes) ? 'utf-8' : 'windows-1252';
  if (encoding === 'utf-8' && named && !startsWith(bytes, [0xef, 0xbb, 0xbf]) && !isUtf8(bytes)) {
    throw fileError('The file is not valid UTF-8: leave out ?encoding= to read it as Windows-1252, or name the encoding it was saved in.');
  }
  // A replacement character (U+FFFD, in UTF-8 EF BF BD) means the text was damaged on the way:
  // typically a non-UTF-8 file sent with a text content type, which API Gateway passes on as
  // UTF-8 text. Refused rather than stored as "�" (or as "ï¿½" under a named encoding).
  if (!encoding.startsWith('utf-16') && buffer.includes(REPLACEMENT_UTF8)) {
    throw fileError(
      'The file holds replacement characters (\uFFFD): its text was damaged before it arrived, typically a file that is not UTF-8 sent with a text content type. Send the file unchanged with Content-Type: application/octet-stream.',
    );
  }
  // iconv-lite drops the byte-order mark (stripBOM, on by default).
  return { text: iconv.decode(buffer, encoding), encoding };
}

/** A header row is one that maps the required columns (the saved mapping included). */
function findHeader(rows: readonly string[][], columns: ImportMappingRules['columns']): number {
  for (let i = 0; i < Math.min(rows.length, HEADER_SCAN_ROWS); i++) {
    if (matchHeaders(rows[i], columns).missing.length === 0) return i;
  }
  return -1;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

function parseCsv(text: string, options: { delimiter: string; toLine?: number; lenient?: boolean }): FileRecord[] {
  const records = parse(text, {
    delimiter: options.delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: options.lenient ?? false,
    skip_empty_lines: true,
    skip_records_with_error: options.lenient ?? false,
    trim: true,
    max_record_size: 64 * 1024,
    to_line: options.toLine,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
}

/**
 * The field separator: the candidate under which a row of the first few maps the required
 * columns; failing that, the one that splits the first row into the most fields (csv-parse
 * does the splitting, so separators inside quotes do not count).
 */
function sniffDelimiter(text: string, columns: ImportMappingRules['columns']): string {
  let best: { delimiter: string; fields: number } | undefined;
  for (const delimiter of DELIMITERS) {
    let head: FileRecord[];
    try {
      head = parseCsv(text, { delimiter, toLine: HEADER_SCAN_ROWS + 1, lenient: true });
    } catch {
      continue;
    }
    if (findHeader(head.map((r) => r.cells), columns) >= 0) return delimiter;
    const fields = head[0]?.cells.length ?? 0;
    if (!best || fields > best.fields) best = { delimiter, fields };
  }
  return best?.delimiter ?? ',';
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Excel date cells: the serial number is a calendar date with no time zone; read-excel-file
  // hands it over as a Date at that instant in UTC, so the UTC date is the date in the sheet.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/**
 * A workbook is a zip of XML: a few MB can unpack to gigabytes (a "zip bomb"). Before the reader
 * sees it, every entry is inflated as a stream and counted, and the workbook refused past this many
 * bytes unpacked (a real 100,000-row export unpacks to a few hundred MB at most).
 */
export const MAX_XLSX_UNPACKED_BYTES = 600 * 1024 * 1024;

/** True if the zip's entries unpack to at most `limit` bytes in all (stops inflating as soon as they do not). */
export function unpacksWithin(bytes: Uint8Array, limit: number): boolean {
  let total = 0;
  let over = false;
  const unzip = new Unzip((entry) => {
    entry.ondata = (error, chunk) => {
      if (error || over) return;
      total += chunk.length;
      if (total > limit) {
        over = true;
        entry.terminate();
      }
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  const step = 1 << 20;
  for (let at = 0; at < bytes.length && !over; at += step) unzip.push(bytes.subarray(at, at + step), at + step >= bytes.length);
  return !over;
}

async function readXlsx(buffer: Buffer, columns: ImportMappingRules['columns']): Promise<ReadFile> {
  let within: boolean;
  try {
    within = unpacksWithin(buffer, MAX_XLSX_UNPACKED_BYTES);
  } catch {
    throw fileError('The file looks like an Excel workbook (.xlsx) but could not be read.');
  }
  if (!within) throw new PayloadTooLargeError(`The workbook unpacks to more than ${MAX_XLSX_UNPACKED_BYTES / 1024 / 1024} MB; save the sheet as CSV and import that.`);
  const { default: readXlsxFile } = await import('read-excel-file/node');
  let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    sheets = await readXlsxFile(buffer);
  } catch {
    throw fileError('The file looks like an Excel workbook (.xlsx) but could not be read.');
  }
  const tables = sheets.map((s) => s.data.map((row) => row.map(cellText)));
  // The first sheet with recognised headers; if none has them, the first sheet (for the error).
  const chosen = tables.find((rows) => findHeader(rows, columns) >= 0) ?? tables[0] ?? [];
  const records = chosen
    .map((cells, i) => ({ line: i + 1, cells: cells.map((c) => c.trim()) }))
    .filter((r) => r.cells.some((c) => c !== ''));
  return { format: 'xlsx', records };
}

/**
 * Reads an import file from its bytes: an Excel workbook (.xlsx, known by its zip signature
 * whatever the content type) or delimited text in any of the encodings learning systems and
 * Excel write. Nothing is written here.
 */
export async function readImportFile(
  bytes: Uint8Array | undefined,
  options: { encoding?: (typeof IMPORT_ENCODINGS)[number]; mapping?: ImportMappingRules; limits?: ImportLimits } = {},
): Promise<ReadFile> {
  const limits = options.limits ?? REQUEST_LIMITS;
  if (!bytes || bytes.length === 0) throw fileError('No file was sent: put the file itself in the request body.');
  if (bytes.length > limits.bytes) {
    throw new PayloadTooLargeError(
      limits.bytes < MAX_JOB_BYTES
        ? `A file sent with the request may be at most ${limits.bytes / 1024 / 1024} MB: upload a larger one (up to ${MAX_JOB_BYTES / 1024 / 1024} MB) with POST /authorities/{id}/imports/uploads and import it as a job.`
        : `An import may be at most ${limits.bytes / 1024 / 1024} MB; split the file.`,
    );
  }
  const columns = options.mapping?.columns;
  if (startsWith(bytes, ZIP_MAGIC)) return readXlsx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), columns);
  const { text, encoding } = decodeText(bytes, options.encoding);
  const delimiter = sniffDelimiter(text, columns);
  let records: FileRecord[];
  try {
    records = parseCsv(text, { delimiter });
  } catch (error) {
    throw new ValidationError([{ path: 'csv', message: `The file is not valid CSV: ${(error as Error).message}` }]);
  }
  return { format: 'csv', encoding, delimiter, records };
}

const YES = new Set(['y', 'yes', 'true', '1']);
const NO = new Set(['n', 'no', 'false', '0', '']);
const MODE_ALIASES: Record<string, DeliveryMode> = {
  facetoface: 'face-to-face', classroom: 'face-to-face', inperson: 'face-to-face',
  virtual: 'virtual-classroom', virtualclassroom: 'virtual-classroom', online: 'virtual-classroom', teams: 'virtual-classroom',
  elearning: 'e-learning', selfpaced: 'e-learning', blended: 'blended',
};

/** `01/06/2026 14:32`, `2026-06-01T14:32:00Z`, `2026-06-01 14:32:00`: the date as written. */
const DATE_TIME = /^(\S+?)(?:[ T]+(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:\s*[AaPp][Mm])?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)$/;
function dateOf(text: string): string | undefined {
  return parseDate(DATE_TIME.exec(text)?.[1] ?? text);
}

export interface ParsedImport {
  rows: number;
  /** `index`: the row's place among the data rows (0 first), which fixes the chunk it is stored in. */
  valid: { line: number; index: number; input: CompletionInput }[];
  rejected: RejectedRow[];
  /** Header in the file → the field it was read as. */
  columnsUsed: Record<string, CsvField>;
  /** Headers of the file that no field uses. */
  columnsIgnored: string[];
  /** Valid rows that carry no plan role. */
  rowsWithoutRole: number;
  /** Line of the header row (1 unless title rows sit above it). */
  headerLine: number;
}

export interface ParseContext {
  courses: readonly Course[];
  roles: readonly PlanRole[];
  today: string;
  mapping?: ImportMappingRules;
  limits?: ImportLimits;
}

/**
 * Validates the rows of a file read by `readImportFile`. The header is the first of the first
 * ten rows that maps the required columns; every row below it is checked, and each rejected
 * row comes back with its line number in the file and every reason. Nothing is written here.
 */
export function parseCompletionRecords(records: readonly FileRecord[], context: ParseContext): ParsedImport {
  if (records.length === 0) throw fileError('The file is empty.');
  const columns = context.mapping?.columns;
  const at = findHeader(records.map((r) => r.cells), columns);
  if (at < 0) throw missingColumns(matchHeaders(records[0].cells, columns).missing);
  const header = records[at];
  const data = records.slice(at + 1);
  if (data.length === 0) throw fileError('The file has a header but no rows.');
  const maxRows = (context.limits ?? REQUEST_LIMITS).rows;
  if (data.length > maxRows) {
    throw new PayloadTooLargeError(
      maxRows < MAX_JOB_ROWS
        ? `A file sent with the request may have at most ${maxRows} rows; this one has ${data.length}. Upload it (POST /authorities/{id}/imports/uploads) to import up to ${MAX_JOB_ROWS} rows as a job.`
        : `An import may have at most ${maxRows} rows; this one has ${data.length}. Split the file.`,
    );
  }
  const header0 = header.cells;
  const col = mapHeaders(header0, columns);
  const findCourse = courseMatcher(context.courses);
  const roleIds = new Map<string, string>();
  for (const r of context.roles) {
    roleIds.set(normalizeLabel(r.id), r.id);
    roleIds.set(normalizeLabel(r.name), r.id);
  }
  const roleValues = new Map(Object.entries(context.mapping?.values?.role ?? {}).map(([v, id]) => [normalizeLabel(v), id]));
  const modeValues = new Map(Object.entries(context.mapping?.values?.deliveryMode ?? {}).map(([v, m]) => [normalizeLabel(v), m]));

  const headerName = (i: number) => (header0[i] ?? '').trim().slice(0, 60);
  const columnsUsed: Record<string, CsvField> = {};
  for (const f of CSV_FIELDS) if (col[f] !== undefined) columnsUsed[headerName(col[f]!) || f] = f;
  const usedIndexes = new Set(Object.values(col));
  const columnsIgnored = header0.map((_, i) => i).filter((i) => !usedIndexes.has(i) && headerName(i)).map(headerName);

  const valid: ParsedImport['valid'] = [];
  const rejected: RejectedRow[] = [];
  /** `Course Title (course)`: the file's own header and the documented field, never the cell. */
  const column = (f: CsvField) => {
    const name = col[f] === undefined ? f : headerName(col[f]!) || f;
    return normalizeLabel(name) === normalizeLabel(f) ? `column ${f}` : `column "${name}" (${f})`;
  };
  for (let index = 0; index < data.length; index++) {
    const { cells: record, line } = data[index];
    const cell = (f: CsvField) => (col[f] === undefined ? '' : (record[col[f]!] ?? '').trim());
    const reasons: string[] = [];

    const staffRef = cell('staffRef');
    if (!staffRef) reasons.push(`${column('staffRef')}: missing staff reference`);

    const courseLabel = cell('course');
    const course = courseLabel ? findCourse(courseLabel) : undefined;
    if (!courseLabel) reasons.push(`${column('course')}: missing course`);
    else if (!course) reasons.push(`${column('course')}: unknown course (not a course id, name or alias of the catalogue)`);

    const dateText = cell('completedOn');
    const completedOn = dateText ? dateOf(dateText) : undefined;
    if (!dateText) reasons.push(`${column('completedOn')}: missing completion date`);
    else if (!completedOn) reasons.push(`${column('completedOn')}: impossible date (use YYYY-MM-DD or dd/mm/yyyy)`);
    else if (completedOn > context.today) reasons.push(`${column('completedOn')}: completion date is in the future`);

    let role: string | undefined;
    const roleText = cell('role');
    if (roleText) {
      const key = normalizeLabel(roleText);
      role = roleIds.get(key) ?? roleIds.get(normalizeLabel(roleValues.get(key) ?? ''));
      if (!role) reasons.push(`${column('role')}: role is not in the authority's training plan`);
    }

    let deliveryMode: DeliveryMode | undefined;
    const modeText = cell('deliveryMode');
    if (modeText) {
      const key = normalizeLabel(modeText);
      deliveryMode = (DELIVERY_MODES as readonly string[]).includes(modeText.toLowerCase()) ? (modeText.toLowerCase() as DeliveryMode) : (modeValues.get(key) ?? MODE_ALIASES[key]);
      if (!deliveryMode) reasons.push(`${column('deliveryMode')}: unknown delivery mode (${DELIVERY_MODES.join(', ')})`);
    }

    let certificateIssued: boolean | undefined;
    const certText = cell('certificateIssued').toLowerCase();
    if (col.certificateIssued !== undefined) {
      if (YES.has(certText)) certificateIssued = true;
      else if (NO.has(certText)) certificateIssued = certText === '' ? undefined : false;
      else reasons.push(`${column('certificateIssued')}: certificate issued should be yes or no`);
    }

    if (reasons.length === 0) {
      const candidate = {
        staffRef,
        name: cell('name') || undefined,
        role,
        team: cell('team') || undefined,
        courseId: course!.id,
        completedOn: completedOn!,
        deliveryMode,
        provider: cell('provider') || undefined,
        certificateIssued,
      };
      const checked = CompletionInput.safeParse(candidate);
      if (checked.success) valid.push({ line, index, input: checked.data });
      // zod's messages state the rule (length, characters), not the value.
      else reasons.push(...checked.error.issues.map((i) => `${i.path[0] && String(i.path[0]) in CSV_COLUMNS ? column(String(i.path[0]) as CsvField) : i.path.join('.')}: ${i.message}`));
    }
    if (reasons.length) rejected.push({ line, reasons });
  }
  const rowsWithoutRole = valid.filter((v) => !v.input.role).length;
  return { rows: data.length, valid, rejected, columnsUsed, columnsIgnored, rowsWithoutRole, headerLine: header.line };
}

/**
 * Parses and validates a UTF-8 CSV export of completions (kept for callers holding text).
 * Every row is checked; each rejected row comes back with its line number and every reason.
 */
export function parseCompletionsCsv(text: string, context: ParseContext): ParsedImport {
  if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) {
    throw new PayloadTooLargeError(`An import may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split the file.`);
  }
  const stripped = text.replace(/^\uFEFF/, '');
  let records: FileRecord[];
  try {
    records = parseCsv(stripped, { delimiter: sniffDelimiter(stripped, context.mapping?.columns) });
  } catch (error) {
    throw new ValidationError([{ path: 'csv', message: `The file is not valid CSV: ${(error as Error).message}` }]);
  }
  return parseCompletionRecords(records, context);
}
