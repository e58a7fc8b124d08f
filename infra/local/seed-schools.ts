import type { CreateAuthority } from '../../domain/authorities/authority';

/**
 * `npm start -- --schools N`: the demo county with its schools, colleges and nurseries, every
 * one a specified authority under the Prevent duty (sector education and childcare), as a
 * county partnership that brings its schools in has 300–600 authorities, not 12. FICTIONAL:
 * invented names, every email @example.org. Deterministic: school N is the same on every run,
 * and its records (training, SOP, IT filter, statements) come from its number, spread so the
 * dashboard and report show a county's mix (most in order, some lapsed, some missing).
 */
export const MAX_SCHOOLS = 1000;
const PLACES = [
  'Ashby', 'Brookfield', 'Castlemere', 'Dunmore', 'Elmstead', 'Fenbury', 'Greywell', 'Hartley', 'Ivybridge', 'Kingsbrook',
  'Langford', 'Marlow Heath', 'Northgate', 'Oakminster', 'Pennington', 'Quarry Bank', 'Redhill', 'Stowe Green', 'Thornbury', 'Upton Vale',
  'Westcott', 'Yarrow', 'Ambleside Road', 'Bramley', 'Coldharbour', 'Deepdene', 'Eastwick', 'Foxley', 'Gorsey Lane', 'Holmwood',
  'Ingleby', 'Juniper Hill', 'Kestrel Rise', 'Lowfield', 'Millbrook', 'Nettleton', 'Orchard Way', 'Priory', 'Rookwood', 'St Aidan\'s',
  'St Bede\'s', 'St Clare\'s', 'St Hilda\'s', 'Sandy Lane', 'Tanners Brook', 'Willowbank', 'Wrenfield', 'Hazelmere',
];

interface Kind {
  suffix: string;
  type: CreateAuthority['type'];
  /** Staff, a range. */
  workforce: [number, number];
  /** Out of 100 schools. */
  share: number;
}
const KINDS: readonly Kind[] = [
  { suffix: 'Primary School', type: 'school', workforce: [15, 45], share: 55 },
  { suffix: 'Academy', type: 'school', workforce: [60, 140], share: 17 },
  { suffix: 'Nursery', type: 'other', workforce: [6, 20], share: 14 },
  { suffix: 'Special School', type: 'school', workforce: [30, 70], share: 6 },
  { suffix: 'Infant School', type: 'school', workforce: [12, 30], share: 6 },
  { suffix: 'Sixth Form College', type: 'fe-college', workforce: [80, 160], share: 2 },
];

/** A small deterministic generator per school (the same one seed-training uses for its exports). */
function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export const schoolId = (n: number) => `school-${String(n).padStart(4, '0')}`;
const SCHOOL_ID = /^school-(\d{4})$/;

function kindOf(n: number): Kind {
  const slot = (n * 37) % 100; // spread the kinds through the numbering
  let upTo = 0;
  for (const kind of KINDS) if (slot < (upTo += kind.share)) return kind;
  return KINDS[0];
}

/** The first `count` demo schools, in a stable order. */
export function demoSchools(count: number): (CreateAuthority & { id: string })[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_SCHOOLS) throw new Error(`--schools takes a whole number from 0 to ${MAX_SCHOOLS}, not ${count}`);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const kind = kindOf(n);
    const place = PLACES[i % PLACES.length];
    const round = Math.floor(i / PLACES.length);
    const name = `${place}${round ? ` ${['North', 'South', 'East', 'West', 'Upper', 'Lower', 'Old', 'New', 'Little', 'Great'][(round - 1) % 10]}` : ''}${round > 10 ? ` ${round}` : ''} ${kind.suffix}`;
    const lead = `dsl.${schoolId(n)}@example.org`;
    return { id: schoolId(n), name, sector: 'education-childcare', type: kind.type, preventLeadName: `Designated Safeguarding Lead ${n}`, preventLeadEmail: lead };
  });
}

export type StatementState = 'accepted' | 'submitted' | 'returned' | 'draft' | 'missing';

export interface SchoolProfile {
  workforce: number;
  /** The SOP's next review, days from today. */
  sopReviewInDays: number;
  /** The IT-filter assurance's review, days before today; undefined: none recorded. */
  filterReviewedDaysAgo: number | undefined;
  thisYear: StatementState;
  lastYear: StatementState;
}

/** A demo school's records, from its number; undefined for an id that is not a demo school's. */
export function schoolProfile(authorityId: string): SchoolProfile | undefined {
  const match = SCHOOL_ID.exec(authorityId);
  if (!match) return undefined;
  const n = Number(match[1]);
  const rand = random(n * 2654435761);
  const [lo, hi] = kindOf(n).workforce;
  const pick = <T>(weighted: [T, number][]): T => {
    let r = rand() * weighted.reduce((s, [, w]) => s + w, 0);
    for (const [value, weight] of weighted) if ((r -= weight) < 0) return value;
    return weighted[0][0];
  };
  return {
    workforce: lo + Math.floor(rand() * (hi - lo + 1)),
    sopReviewInDays: Math.floor(rand() * 420) - 60,
    filterReviewedDaysAgo: rand() < 0.1 ? undefined : Math.floor(rand() * 480),
    thisYear: pick<StatementState>([['accepted', 35], ['submitted', 20], ['returned', 5], ['draft', 20], ['missing', 20]]),
    lastYear: pick<StatementState>([['accepted', 85], ['missing', 15]]),
  };
}
