import type { Authority } from '../../domain/authorities/authority';
import type { Assurance } from '../../domain/itfilter/assurance';
import { settingsOf, type Partnership } from '../../domain/partnerships/partnership';
import { compactSummary, encodeChanges, summarize, type AuthorityRecords, type CurrentSummary, type YearSummary } from '../../domain/reports/summary';
import { toIsoDate } from '../../domain/shared/dates';
import type { Obligation, ObligationVersion, Sop } from '../../domain/sop/sop';
import { applicableQuestions, BUILT_IN_FRAMEWORKS, DEFAULT_FRAMEWORK, frameworkKey, type Framework } from '../../domain/statements/frameworks';
import type { Statement } from '../../domain/statements/statement';
import type { Completion } from '../../domain/training/completions';
import type { Course } from '../../domain/training/courses';
import type { TrainingPlan } from '../../domain/training/plan';
import type { Session } from '../../domain/training/sessions';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { keyParts, keys } from './keys';
import { toRecord, type TableStore } from './store';

type Raw = Record<string, unknown> & { entity?: string; SK?: string };

/**
 * The current summary as stored, so that a report of 600 authorities reads their summaries in
 * one Query page (under 1 MB) and the SDK unmarshals one value per item instead of maps of
 * dated numbers: compacted as at the day it is written (compactSummary: the past collapsed to
 * year ends), its dated changes as short strings (encodeChanges), with every year's figures
 * (about 35 bytes a year once deflated: the report then reads the current items alone, the
 * same range whichever year it is for), and the whole as JSON deflated into one binary
 * attribute (the JSON repeats its field names and its change strings repeat their patterns:
 * about a third of the size; inflating 600 of them costs a few ms).
 */
type StoredSummary = CurrentSummary & { years: Omit<YearSummary, 'authorityId'>[] };

export function storedCurrent(current: CurrentSummary, years: readonly YearSummary[], writtenOn: string): Uint8Array {
  const c = compactSummary(current, writtenOn);
  const stored: StoredSummary = {
    ...c,
    coverage: c.coverage.map((r) => ({ ...r, coveredChanges: encodeChanges(r.coveredChanges) })),
    overdueChanges: encodeChanges(c.overdueChanges),
    years: years.map(({ authorityId: _a, ...y }) => y),
  };
  return deflateRawSync(JSON.stringify(stored));
}

/** The stored current summary and years, its changes left encoded (the report evaluates them as they are: valueOn). */
export function readCurrent(summary: Uint8Array): { current: CurrentSummary; years: YearSummary[] } {
  const { years, ...current } = JSON.parse(inflateRawSync(summary).toString('utf8')) as StoredSummary;
  // Just parsed, so ours to complete in place (no copy of every year of 600 authorities).
  for (const y of years as YearSummary[]) y.authorityId = current.authorityId;
  return { current, years: years as YearSummary[] };
}

/**
 * Summaries as decoded by this process, by item key, with the bytes they were decoded from. A
 * partnership's report is read again and again (the dashboard, the report page, its CSV) while
 * its summaries change only when an authority's records do: an item whose bytes are exactly
 * those decoded last time is not inflated and parsed again (at 600 authorities that is most of
 * the report's own time). The key is the item's whole key, which starts with the partnership,
 * and a hit needs the very same bytes, read with the caller's own credentials: nothing is served
 * across partnerships or from an older summary. Callers treat what they get as read-only.
 * Bounded: beyond MAX_DECODED_SUMMARIES the least recently used entry is dropped.
 */
export const MAX_DECODED_SUMMARIES = 5_000;
const decodedSummaries = new Map<string, { bytes: Buffer; summary: ReturnType<typeof readCurrent> }>();

/** Forgets every decoded summary (the benchmark measures a report that decodes them all). */
export function forgetDecodedSummaries(): void {
  decodedSummaries.clear();
}

export function readCurrentCached(itemKey: string, bytes: Uint8Array): ReturnType<typeof readCurrent> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hit = decodedSummaries.get(itemKey);
  if (hit) {
    decodedSummaries.delete(itemKey);
    if (hit.bytes.equals(view)) {
      decodedSummaries.set(itemKey, hit);
      return hit.summary;
    }
  }
  const summary = readCurrent(bytes);
  decodedSummaries.set(itemKey, { bytes: Buffer.from(view), summary });
  while (decodedSummaries.size > MAX_DECODED_SUMMARIES) decodedSummaries.delete(decodedSummaries.keys().next().value!);
  return summary;
}

/**
 * The stored items of one authority's summaries, written on `writtenOn`: the current one (which
 * the report reads) and one per year (each year's figures as attributes, for reading one year
 * of one authority; the current item lists them, so a year no longer written is deleted).
 */
export function summaryItems(tenantId: string, summary: { current: CurrentSummary; years: YearSummary[] }, writtenOn: string): Record<string, unknown>[] {
  const authorityId = summary.current.authorityId;
  return [
    { ...keys.reports.current(tenantId, authorityId), entity: 'report-summary', kind: 'current', authorityId, years: summary.years.map((y) => y.year), writtenOn, summary: storedCurrent(summary.current, summary.years, writtenOn) },
    ...summary.years.map((y) => ({ ...y, ...keys.reports.year(tenantId, y.year, authorityId), entity: 'report-summary', kind: 'year' })),
  ];
}

/** Report summaries: read for a report in one Query; rebuilt for one authority from its raw records. */
export function reportRepository(table: TableStore) {
  /** What every authority of a partnership shares: read once per tenant and batch when a cache is given. */
  type TenantData = { courses: Course[]; partnership: Partnership | undefined; frameworks: Framework[] };
  const readTenant = async (tenantId: string): Promise<TenantData> => {
    const [courses, partnership, frameworks] = await Promise.all([
      table.all<Course>(keys.courses(tenantId)),
      table.get<Partnership>(keys.partnership(tenantId)),
      table.all<Framework>({ pk: keys.statements.frameworks(tenantId).PK }),
    ]);
    return { courses, partnership, frameworks };
  };

  /** Every raw record the summaries of one authority derive from (a few requests, any data size per page). */
  async function recordsOf(tenantId: string, authorityId: string, cache?: Map<string, Promise<TenantData>>): Promise<AuthorityRecords | undefined> {
    const authority = await table.get<Authority>(keys.authority(tenantId, authorityId));
    if (!authority) return undefined;
    if (cache && !cache.has(tenantId)) cache.set(tenantId, readTenant(tenantId));
    const [training, sessions, sopPartition, assurances, statements, { courses, partnership, frameworks }] = await Promise.all([
      table.raw({ pk: keys.training.partition(tenantId, authorityId) }),
      table.all<Session>({ pk: keys.sessions.partition(tenantId, authorityId) }),
      table.raw(keyParts.sops.partition(tenantId, authorityId)),
      table.all<Assurance>({ pk: keys.itFilter.partition(tenantId, authorityId) }),
      table.raw({ pk: keys.statements.partition(tenantId, authorityId) }),
      cache ? cache.get(tenantId)! : readTenant(tenantId),
    ]);
    const settings = settingsOf(partnership);
    const strip = <T>(items: Raw[]) => items.map((i) => toRecord<T>(i)!);
    const completions = training.filter((i) => i.entity === 'completion');
    const all = [...BUILT_IN_FRAMEWORKS, ...frameworks];
    return {
      authority,
      plan: strip<TrainingPlan>(training.filter((i) => keyParts.training.isPlan(i.SK)))[0],
      courses,
      current: strip<Completion>(completions.filter((i) => keyParts.training.isCurrentCompletion(i.SK))),
      all: strip<Completion>(completions),
      sessions,
      sopVersions: strip<Sop>(sopPartition.filter((i) => keyParts.sops.isVersion(i.SK))),
      obligations: strip<Obligation>(sopPartition.filter((i) => keyParts.sops.isObligation(i.SK))),
      obligationVersions: strip<ObligationVersion>(sopPartition.filter((i) => keyParts.sops.isObligationVersion(i.SK))),
      assurances,
      statements: strip<Statement>(statements.filter((i) => keyParts.statements.isCurrent(i.SK))),
      applicableQuestions: (year) => {
        const framework = all.find((f) => frameworkKey(f) === (settings.frameworkByYear[year] ?? DEFAULT_FRAMEWORK));
        return framework ? applicableQuestions(framework, settings.benchmarksBySector[authority.sector]).questions.length : 0;
      },
    };
  }

  return {
    recordsOf,

    /**
     * Recomputes one authority's summaries from its records and replaces the stored ones. A
     * batch refreshing several authorities passes one cache, so partnership-wide data
     * (courses, settings, frameworks) is read once per partnership, not once per authority.
     */
    async refresh(tenantId: string, authorityId: string, cache?: Map<string, Promise<TenantData>>, today = toIsoDate(new Date())): Promise<void> {
      // The current-state item lists the years written last time, so stale years (all their
      // records erased or expired) are found with one GetItem, not a read of every summary.
      const currentKey = keys.reports.current(tenantId, authorityId);
      const [records, previous] = await Promise.all([recordsOf(tenantId, authorityId, cache), table.get<{ years?: string[] }>(currentKey)]);
      const writes: ({ put: Record<string, unknown> } | { delete: { PK: string; SK: string } })[] = [];
      const summary = records ? summarize(records) : undefined;
      const written = new Set(summary?.years.map((y) => y.year) ?? []);
      if (summary) {
        for (const put of summaryItems(tenantId, summary, today)) writes.push({ put });
      } else if (previous) {
        writes.push({ delete: currentKey });
      }
      for (const year of previous?.years ?? []) if (!written.has(year)) writes.push({ delete: keys.reports.year(tenantId, year, authorityId) });
      await table.batchWrite(writes);
    },

    /**
     * Everything a report needs of the summaries: one Query of the current items, which carry
     * every year's figures (one page for 600 authorities, whichever year). While current items
     * of the shape stored before compaction remain (no `summary`; until each authority's next
     * refresh), the year items are read as before, in one more Query.
     */
    async summaries(tenantId: string, previousYear: string) {
      const items = await table.raw(keys.reports.currents(tenantId));
      const current = new Map<string, CurrentSummary>();
      const years = new Map<string, Map<string, YearSummary>>();
      const addYear = (y: YearSummary) => {
        if (y.year < previousYear) return;
        if (!years.has(y.year)) years.set(y.year, new Map());
        years.get(y.year)!.set(y.authorityId, y);
      };
      const older: string[] = [];
      for (const item of items) {
        if (item.summary instanceof Uint8Array) {
          const s = readCurrentCached(`${item.PK}\u0000${item.SK}`, item.summary);
          current.set(s.current.authorityId, s.current);
          s.years.forEach(addYear);
        } else {
          current.set(String(item.authorityId), item as unknown as CurrentSummary);
          older.push(String(item.authorityId));
        }
      }
      if (older.length) {
        const wanted = new Set(older);
        for (const item of await table.raw(keys.reports.range(tenantId, previousYear))) {
          if (item.kind === 'year' && wanted.has(String(item.authorityId))) addYear(item as unknown as YearSummary);
        }
      }
      return { current, years };
    },
  };
}
