import type { FieldError } from '../api/client';
import { messageFor } from './forms';
import type { Role } from '../api/types';

/** Words for the API's codes: presentation only, the API decides what is valid. */
export const SECTOR_LABELS: Record<string, string> = {
  'local-government': 'Local government',
  'criminal-justice': 'Criminal justice',
  'education-childcare': 'Education, childcare and related',
  'health-social-care': 'Health and social care',
  police: 'Police',
};

export const TYPE_LABELS: Record<string, string> = {
  'county-council': 'County council',
  'district-council': 'District council',
  'borough-council': 'Borough council',
  'unitary-council': 'Unitary council',
  opcc: 'Office of the Police and Crime Commissioner',
  'police-force': 'Police force',
  'nhs-foundation-trust': 'NHS foundation trust',
  'nhs-trust': 'NHS trust',
  'integrated-care-board': 'Integrated care board',
  probation: 'Probation service',
  prison: 'Prison',
  'youth-offending-service': 'Youth offending service',
  'fe-college': 'Further education college',
  university: 'University',
  school: 'School',
  other: 'Other',
};

export const ROLE_HINTS: Record<Role, string> = {
  'steering-group': 'Sees and changes everything in the partnership, invites users and reviews statements.',
  'authority-lead': 'The Prevent lead of one authority: records and submits its statement, SOP and training.',
  'authority-editor': 'Records one authority’s training, statement drafts and evidence; cannot submit.',
  viewer: 'Sees the partnership’s pages without changing anything (for example scrutiny members).',
};

export const LEVEL_LABELS: Record<string, string> = { frontline: 'Frontline', specialist: 'Specialist', strategic: 'Strategic' };
export const MODE_LABELS: Record<string, string> = {
  'face-to-face': 'Face to face',
  'virtual-classroom': 'Virtual classroom',
  'e-learning': 'E-learning',
  blended: 'Blended',
};

export const labelOf = (labels: Record<string, string>, code: string | undefined | null) => (code ? (labels[code] ?? code) : '—');

/** The UK reporting (financial) year a date falls in, April to March: 2026-27. */
export function reportingYear(date = new Date(), offset = 0): string {
  const start = (date.getMonth() >= 3 ? date.getFullYear() : date.getFullYear() - 1) + offset;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** "60, 30, 7 and 0 days before" */
export function listInWords(items: readonly (string | number)[]): string {
  const s = items.map(String);
  if (s.length <= 1) return s.join('');
  return `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}

/**
 * Field errors with the schema's technical wording ("Too small: expected string…") replaced
 * by what to do, for the fields a form names; other messages (the API's own rules) kept.
 */
export function friendly(errors: FieldError[], messages: Record<string, string>) {
  const technical = /^(Invalid|Too small|Too big|Expected|Required|a real date)/i;
  const list = errors.map((e) => {
    const key = Object.keys(messages).find((k) => e.path === k || e.path.startsWith(`${k}.`));
    return key && technical.test(e.message) ? { path: key, message: messages[key] } : e;
  });
  const unique = list.filter((e, i) => list.findIndex((o) => o.path === e.path && o.message === e.message) === i);
  return { errors: unique, forField: (path: string) => messageFor(unique, path) };
}
