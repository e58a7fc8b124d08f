/**
 * Reading an import file in the browser, before it is uploaded: enough to check its type and
 * size, find its header row, tell which columns the API will recognise (to offer the "match
 * your columns" step), list the job titles of its role column, and — after the import — give
 * back the rejected rows with their cells. The API reads the file again by its own rules
 * (domain/training/csv-import.ts); this mirrors them for the preview and decides nothing.
 */

export type Field = 'staffRef' | 'course' | 'completedOn' | 'name' | 'role' | 'team' | 'deliveryMode' | 'provider' | 'certificateIssued';

/** The API's documented columns and the header names it accepts (README "Importing completions"). */
export const COLUMNS: Record<Field, { label: string; required: boolean; headers: readonly string[] }> = {
  staffRef: { label: 'Staff reference', required: true, headers: ['staff reference', 'staff ref', 'staff id', 'employee id', 'employee number', 'employee no', 'person number', 'payroll number', 'user id', 'learner id'] },
  course: { label: 'Course', required: true, headers: ['course', 'course title', 'course name', 'course id', 'module', 'learning item', 'activity'] },
  completedOn: { label: 'Completion date', required: true, headers: ['completion date', 'completed on', 'date completed', 'completed', 'completion', 'date'] },
  name: { label: 'Name', required: false, headers: ['name', 'full name', 'employee name', 'learner name', 'staff name'] },
  role: { label: 'Role (job title)', required: false, headers: ['role', 'plan role', 'job role', 'role id'] },
  team: { label: 'Team', required: false, headers: ['team', 'department', 'directorate', 'service', 'business unit'] },
  deliveryMode: { label: 'Delivery mode', required: false, headers: ['delivery mode', 'delivery', 'mode', 'format'] },
  provider: { label: 'Provider', required: false, headers: ['provider', 'trainer', 'delivered by', 'training provider'] },
  certificateIssued: { label: 'Certificate issued', required: false, headers: ['certificate issued', 'certificate', 'certified'] },
};
export const FIELDS = Object.keys(COLUMNS) as Field[];
export const REQUIRED_FIELDS = FIELDS.filter((f) => COLUMNS[f].required);

/** As the API compares headers and values: lower case, letters and digits only. */
export const normalizeLabel = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

export const MAX_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_ROWS = 100_000;
const HEADER_SCAN_ROWS = 10;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface FileRow {
  /** Line in the file (row in a spreadsheet), counted from 1, as the API counts it. */
  line: number;
  cells: string[];
}

export interface Preview {
  format: 'csv' | 'xlsx';
  encoding?: string;
  delimiter?: string;
  rows: FileRow[];
  /** Index in `rows` of the header row: the first that maps the required columns, else the first row. */
  headerAt: number;
  header: string[];
  /** Field → index of its column in the header. */
  index: Partial<Record<Field, number>>;
  missing: Field[];
}

/** What is wrong with the file before anything is sent, or undefined. */
export function checkFile(file: File): string | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xls')) return 'The file is an older Excel workbook (.xls). Save it as .xlsx or CSV and choose it again.';
  if (!/\.(csv|txt|tsv|xlsx)$/.test(name)) return 'The file must be a CSV file (.csv, .txt or .tsv) or an Excel workbook (.xlsx).';
  if (file.size === 0) return 'The selected file is empty.';
  if (file.size > MAX_FILE_BYTES) return `The file must be smaller than ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it into smaller files.`;
  return undefined;
}

export const isXlsxName = (name: string) => name.toLowerCase().endsWith('.xlsx');

/** Field → column, as the API matches them: the explicit mapping first, then the built-in names. */
export function matchHeader(header: readonly string[], columns: Record<string, string> = {}) {
  const index: Partial<Record<Field, number>> = {};
  const normalized = header.map((h) => normalizeLabel(h ?? ''));
  const explicit = new Map(Object.entries(columns).map(([h, f]) => [normalizeLabel(h), f as Field]));
  normalized.forEach((h, at) => {
    const field = h ? explicit.get(h) : undefined;
    if (field && index[field] === undefined) index[field] = at;
  });
  const taken = new Set(Object.values(index));
  for (const field of FIELDS) {
    if (index[field] !== undefined) continue;
    const names = [field, ...COLUMNS[field].headers].map(normalizeLabel);
    const at = normalized.findIndex((h, i) => !taken.has(i) && !explicit.has(h) && names.includes(h));
    if (at >= 0) {
      index[field] = at;
      taken.add(at);
    }
  }
  return { index, missing: REQUIRED_FIELDS.filter((f) => index[f] === undefined) };
}

/** CSV text to rows (quotes, doubled quotes, CR LF), each with the line it starts on; blank lines skipped. */
export function parseCsv(text: string, delimiter: string, maxRows = Infinity): FileRow[] {
  const rows: FileRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const endRow = () => {
    cells.push(cell.trim());
    if (any || cells.some((c) => c !== '')) rows.push({ line: start, cells });
    cells = [];
    cell = '';
    any = false;
  };
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      any = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = '';
      any = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length) endRow();
  return rows;
}

function decode(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'UTF-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'UTF-16' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'UTF-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'Windows-1252' };
  }
}

const headerAtOf = (rows: readonly FileRow[], columns?: Record<string, string>) =>
  rows.slice(0, HEADER_SCAN_ROWS).findIndex((r) => matchHeader(r.cells, columns).missing.length === 0);

async function readXlsx(file: File): Promise<FileRow[]> {
  const { default: readSheet } = await import('read-excel-file/browser');
  const sheets = (await readSheet(file)) as unknown as { data: unknown[][] }[] | unknown[][];
  // Version 9 answers every sheet ({ sheet, data }); the first is what most exports have.
  const first = Array.isArray(sheets[0]) ? (sheets as unknown[][]) : ((sheets as { data: unknown[][] }[])[0]?.data ?? []);
  const text = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v)).trim();
  return first.map((row, i) => ({ line: i + 1, cells: row.map(text) })).filter((r) => r.cells.some((c) => c !== ''));
}

/** Reads the file as the API will: format, encoding, separator, header row and recognised columns. */
export async function previewFile(file: File, columns?: Record<string, string>): Promise<Preview> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const xlsx = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  let rows: FileRow[];
  let encoding: string | undefined;
  let delimiter: string | undefined;
  if (xlsx) {
    rows = await readXlsx(file);
  } else {
    const decoded = decode(new Uint8Array(await file.arrayBuffer()));
    encoding = decoded.encoding;
    let best: { delimiter: string; fields: number } | undefined;
    for (const d of [',', ';', '\t', '|']) {
      const top = parseCsv(decoded.text, d, HEADER_SCAN_ROWS + 1);
      if (headerAtOf(top, columns) >= 0) {
        delimiter = d;
        break;
      }
      const fields = top[0]?.cells.length ?? 0;
      if (!best || fields > best.fields) best = { delimiter: d, fields };
    }
    delimiter ??= best?.delimiter ?? ',';
    rows = parseCsv(decoded.text, delimiter);
  }
  const found = headerAtOf(rows, columns);
  const headerAt = found >= 0 ? found : 0;
  const header = rows[headerAt]?.cells ?? [];
  const { index, missing } = matchHeader(header, columns);
  return { format: xlsx ? 'xlsx' : 'csv', encoding, delimiter, rows, headerAt, header, index, missing };
}

/** The distinct values of one column below the header, as written (first spelling kept). */
export function distinctValues(preview: Preview, column: number): string[] {
  const seen = new Map<string, string>();
  for (const row of preview.rows.slice(preview.headerAt + 1)) {
    const value = (row.cells[column] ?? '').trim();
    const key = normalizeLabel(value);
    if (key && !seen.has(key)) seen.set(key, value);
  }
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) || /^[=+\-@\t\r]/.test(value) ? `"${(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"` : value);

/**
 * The rejected rows as a CSV: line and reasons, and — when the file is still in this browser —
 * the row's own cells under the file's header. Cells that a spreadsheet would run as a formula
 * are written as text.
 */
export function rejectedCsv(rejected: readonly { line: number; reasons: string[] }[], preview?: Preview): string {
  const byLine = new Map(preview?.rows.map((r) => [r.line, r.cells]) ?? []);
  const header = preview ? ['Line', ...preview.header, 'Reasons'] : ['Line', 'Reasons'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of rejected) {
    const cells = preview ? (byLine.get(r.line) ?? []) : [];
    const padded = preview ? preview.header.map((_, i) => cells[i] ?? '') : [];
    lines.push([String(r.line), ...padded, r.reasons.join('; ')].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * The file of an import started in this browser tab, kept in memory (never stored) so the
 * result page can give back the rejected rows with their cells. Gone on reload.
 */
const files = new Map<string, Preview>();
export const rememberFile = (importId: string, preview: Preview) => files.set(importId, preview);
export const rememberedFile = (importId: string) => files.get(importId);
