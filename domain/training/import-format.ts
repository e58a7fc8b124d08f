import type { DeliveryMode } from './courses';

/*
 * What an import file may be and hold: limits, types, columns, encodings. Apart from the
 * reader (csv-import.ts), so the API contract and the schemas that name them do not bring the
 * CSV, spreadsheet and encoding libraries into every function (they load with an import only).
 */

/**
 * Explicit limits, stated in the README and in the 413 answer: a file sent in the request
 * itself (Lambda's 6 MB payload limit), and a file uploaded to storage and imported as a job.
 */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 20_000;
export const MAX_JOB_BYTES = 50 * 1024 * 1024;
export const MAX_JOB_ROWS = 100_000;
export interface ImportLimits {
  bytes: number;
  rows: number;
}
export const REQUEST_LIMITS: ImportLimits = { bytes: MAX_IMPORT_BYTES, rows: MAX_IMPORT_ROWS };
export const JOB_LIMITS: ImportLimits = { bytes: MAX_JOB_BYTES, rows: MAX_JOB_ROWS };

/** What an import file may be sent as; an .xlsx workbook is known by its bytes whatever the type. */
export const IMPORT_FILE_TYPES = [
  'text/csv',
  'application/octet-stream',
  'application/vnd.ms-excel',
  'text/tab-separated-values',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
/** How far down the file the header row is looked for (title rows above it are skipped). */
export const HEADER_SCAN_ROWS = 10;

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
export const CSV_FIELDS = Object.keys(CSV_COLUMNS) as CsvField[];

/** Encodings a caller may name with `?encoding=` (otherwise it is detected). */
export const IMPORT_ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number] | 'utf-16be';

/**
 * An authority's saved mapping: header names of its learning system's export that stand for
 * a field, and values of the file (job titles, say) that stand for a plan role or delivery mode.
 */
export interface ImportMappingRules {
  columns?: Record<string, CsvField>;
  values?: { role?: Record<string, string>; deliveryMode?: Record<string, DeliveryMode> };
}
