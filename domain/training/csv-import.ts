import { parse } from 'csv-parse/sync';
import { ValidationError } from '../shared/errors';
import { PayloadTooLargeError } from '../shared/limits';
import { parseDate } from '../shared/dates';
import { courseMatcher, DELIVERY_MODES, normalizeLabel, type Course, type DeliveryMode } from './courses';
import { CompletionInput } from './completions';
import type { PlanRole } from './plan';

/** Explicit limits of one import, stated in the README and in the 413 answer. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;

/**
 * The documented columns and the header names learning systems use for them. Headers are
 * matched case- and punctuation-insensitively ("Employee ID" = "employee_id").
 */
export const CSV_COLUMNS = {
  staffRef: { required: true, headers: ['staff reference', 'staff ref', 'staff id', 'employee id', 'employee number', 'employee no', 'person number', 'payroll number', 'user id', 'learner id'] },
  course: { required: true, headers: ['course', 'course title', 'course name', 'course id', 'module', 'learning item', 'activity'] },
  completedOn: { required: true, headers: ['completion date', 'completed on', 'date completed', 'completed', 'completion', 'date'] },
  name: { required: false, headers: ['name', 'full name', 'employee name', 'learner name', 'staff name'] },
  role: { required: false, headers: ['role', 'plan role', 'job role', 'role id'] },
  team: { required: false, headers: ['team', 'department', 'directorate', 'service', 'business unit'] },
  deliveryMode: { required: false, headers: ['delivery mode', 'delivery', 'mode', 'format'] },
  provider: { required: false, headers: ['provider', 'trainer', 'delivered by', 'training provider'] },
  certificateIssued: { required: false, headers: ['certificate issued', 'certificate', 'certified'] },
} as const;
export type CsvField = keyof typeof CSV_COLUMNS;

/**
 * A rejected row: its line and what is wrong, naming the column and the problem but never
 * echoing a cell (the stored import record must hold nothing of the people in the file).
 */
export interface RejectedRow {
  line: number;
  reasons: string[];
}

/** Maps each documented field to the index of its column, or reports what is missing. */
export function mapHeaders(header: readonly string[]): Partial<Record<CsvField, number>> {
  const index: Partial<Record<CsvField, number>> = {};
  const normalized = header.map(normalizeLabel);
  for (const [field, spec] of Object.entries(CSV_COLUMNS) as [CsvField, (typeof CSV_COLUMNS)[CsvField]][]) {
    const names = [field, ...spec.headers].map(normalizeLabel);
    const at = normalized.findIndex((h) => names.includes(h));
    if (at >= 0) index[field] = at;
  }
  const missing = (Object.keys(CSV_COLUMNS) as CsvField[]).filter((f) => CSV_COLUMNS[f].required && index[f] === undefined);
  if (missing.length) {
    throw new ValidationError(
      missing.map((f) => ({ path: `csv.${f}`, message: `No column for ${f}; accepted headers: ${CSV_COLUMNS[f].headers.join(', ')}` })),
      'The file lacks required columns.',
    );
  }
  return index;
}

const YES = new Set(['y', 'yes', 'true', '1']);
const NO = new Set(['n', 'no', 'false', '0', '']);
const MODE_ALIASES: Record<string, DeliveryMode> = {
  facetoface: 'face-to-face', classroom: 'face-to-face', inperson: 'face-to-face',
  virtual: 'virtual-classroom', virtualclassroom: 'virtual-classroom', online: 'virtual-classroom', teams: 'virtual-classroom',
  elearning: 'e-learning', selfpaced: 'e-learning', blended: 'blended',
};

export interface ParsedImport {
  rows: number;
  valid: { line: number; input: CompletionInput }[];
  rejected: RejectedRow[];
}

/**
 * Parses and validates a CSV export of completions. Every row is checked; each rejected row
 * comes back with its line number (1 = the header) and every reason. Nothing is written here.
 */
export function parseCompletionsCsv(
  text: string,
  context: { courses: readonly Course[]; roles: readonly PlanRole[]; today: string },
): ParsedImport {
  if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) {
    throw new PayloadTooLargeError(`An import may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB; split the file.`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 64 * 1024,
    }) as never;
  } catch (error) {
    throw new ValidationError([{ path: 'csv', message: `The file is not valid CSV: ${(error as Error).message}` }]);
  }
  if (records.length === 0) throw new ValidationError([{ path: 'csv', message: 'The file is empty.' }]);
  const [header, ...data] = records;
  if (data.length > MAX_IMPORT_ROWS) {
    throw new PayloadTooLargeError(`An import may have at most ${MAX_IMPORT_ROWS} rows; this one has ${data.length}. Split the file.`);
  }
  const header0 = header.record;
  const col = mapHeaders(header0);
  const findCourse = courseMatcher(context.courses);
  const roleIds = new Map<string, string>();
  for (const r of context.roles) {
    roleIds.set(normalizeLabel(r.id), r.id);
    roleIds.set(normalizeLabel(r.name), r.id);
  }

  const valid: ParsedImport['valid'] = [];
  const rejected: RejectedRow[] = [];
  /** `Course Title (course)`: the file's own header and the documented field, never the cell. */
  const column = (f: CsvField) => {
    const header = col[f] === undefined ? f : (header0[col[f]!] ?? f).trim().slice(0, 60);
    return normalizeLabel(header) === normalizeLabel(f) ? `column ${f}` : `column "${header}" (${f})`;
  };
  for (const { record, info } of data) {
    const line = info.lines;
    const cell = (f: CsvField) => (col[f] === undefined ? '' : (record[col[f]!] ?? '').trim());
    const reasons: string[] = [];

    const staffRef = cell('staffRef');
    if (!staffRef) reasons.push(`${column('staffRef')}: missing staff reference`);

    const courseLabel = cell('course');
    const course = courseLabel ? findCourse(courseLabel) : undefined;
    if (!courseLabel) reasons.push(`${column('course')}: missing course`);
    else if (!course) reasons.push(`${column('course')}: unknown course (not a course id, name or alias of the catalogue)`);

    const dateText = cell('completedOn');
    const completedOn = dateText ? parseDate(dateText) : undefined;
    if (!dateText) reasons.push(`${column('completedOn')}: missing completion date`);
    else if (!completedOn) reasons.push(`${column('completedOn')}: impossible date (use YYYY-MM-DD or dd/mm/yyyy)`);
    else if (completedOn > context.today) reasons.push(`${column('completedOn')}: completion date is in the future`);

    let role: string | undefined;
    const roleText = cell('role');
    if (roleText) {
      role = roleIds.get(normalizeLabel(roleText));
      if (!role) reasons.push(`${column('role')}: role is not in the authority's training plan`);
    }

    let deliveryMode: DeliveryMode | undefined;
    const modeText = cell('deliveryMode');
    if (modeText) {
      const key = normalizeLabel(modeText);
      deliveryMode = (DELIVERY_MODES as readonly string[]).includes(modeText.toLowerCase()) ? (modeText.toLowerCase() as DeliveryMode) : MODE_ALIASES[key];
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
      if (checked.success) valid.push({ line, input: checked.data });
      // zod's messages state the rule (length, characters), not the value.
      else reasons.push(...checked.error.issues.map((i) => `${i.path[0] && String(i.path[0]) in CSV_COLUMNS ? column(String(i.path[0]) as CsvField) : i.path.join('.')}: ${i.message}`));
    }
    if (reasons.length) rejected.push({ line, reasons });
  }
  return { rows: data.length, valid, rejected };
}

