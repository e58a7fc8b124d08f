import * as z from 'zod';
import { auditEvent, type AuditEvent } from '../audit/audit';
import type { Authority } from '../authorities/authority';
import { toCsv } from '../shared/csv';
import { isReportingYear } from '../shared/dates';
import { ConflictError, ForbiddenError, ValidationError } from '../shared/errors';
import { requireRole, type Caller } from '../shared/identity';
import type { Clock, IdGenerator } from '../shared/ports';
import { newMeta, nextMeta, RecordMeta } from '../shared/records';
import { cellText, cellValue, publishedRatio, suppressTable, SUPPRESSION_NOTE, type PublishedCell, type PublishedTable } from './suppression';

/**
 * The partnership's delivery figures (seeds 000 and 004), per quarter of a reporting year:
 * Prevent referrals by referring sector, referrals adopted by the Channel panel, Channel cases
 * opened and closed, hate-crime reports (the toolkit compares them with referrals), training the
 * partnership delivered to audiences outside the authorities, and communications and engagement.
 * Aggregate counts only, never a person. OFFICIAL-SENSITIVE: only the steering group and the
 * police (leads and editors of an authority in the police sector) enter or read the quarters;
 * viewers see the year's totals; and everything that leaves as figures — the totals, the CSV,
 * the annual report — goes through small-number suppression (./suppression.ts) from one
 * published form (publishFigures), so no two exports can be combined to undo it.
 */
export const REFERRAL_SECTORS = ['education', 'police', 'local-authority', 'health', 'criminal-justice', 'community', 'other'] as const;
export const REFERRAL_SECTOR_LABELS: Record<(typeof REFERRAL_SECTORS)[number], string> = {
  education: 'Education',
  police: 'Police',
  'local-authority': 'Local authority',
  health: 'Health',
  'criminal-justice': 'Prisons and probation',
  community: 'Family, friends and community',
  other: 'Other',
};
export const COMMUNICATION_KINDS = ['newsletter', 'event', 'campaign', 'social-media', 'website', 'other'] as const;
export const QUARTERS = [1, 2, 3, 4] as const;
export const QUARTER_LABELS = ['Q1 (Apr–Jun)', 'Q2 (Jul–Sep)', 'Q3 (Oct–Dec)', 'Q4 (Jan–Mar)'];

const count = z.number().int().min(0).max(1_000_000);

export const QuarterFigures = z
  .object({
    referrals: z.object(Object.fromEntries(REFERRAL_SECTORS.map((s) => [s, count])) as Record<(typeof REFERRAL_SECTORS)[number], typeof count>).describe('Prevent referrals received, by referring sector'),
    channelAdopted: count.describe('Referrals adopted by the Channel panel'),
    channelOpened: count.describe('Channel cases opened'),
    channelClosed: count.describe('Channel cases closed'),
    hateCrimeReports: count.describe('Hate-crime reports in the area (for the ratio the toolkit mentions)'),
    outreachTraining: z
      .array(
        z.object({
          audience: z.string().trim().min(1).max(200).describe('Who was trained, e.g. "Faith leaders", "Taxi drivers"'),
          events: count,
          attendees: count,
          feedbackRespondents: count.optional(),
          feedbackGoodOrExcellent: count.optional(),
        }),
      )
      .max(50)
      .default([])
      .describe('Training the partnership delivered to audiences outside the authorities'),
    communications: z
      .array(z.object({ kind: z.enum(COMMUNICATION_KINDS), description: z.string().trim().min(1).max(300), count: count.describe('How many (issues, events, posts)'), reach: count.optional().describe('People reached, if known') }))
      .max(50)
      .default([]),
  })
  .superRefine((q, ctx) => {
    q.outreachTraining.forEach((t, i) => {
      if ((t.feedbackGoodOrExcellent ?? 0) > (t.feedbackRespondents ?? 0)) ctx.addIssue({ code: 'custom', path: ['outreachTraining', i, 'feedbackGoodOrExcellent'], message: 'At most the number who gave feedback.' });
      if ((t.feedbackRespondents ?? 0) > t.attendees) ctx.addIssue({ code: 'custom', path: ['outreachTraining', i, 'feedbackRespondents'], message: 'At most the number who attended.' });
    });
  });
export type QuarterFigures = z.infer<typeof QuarterFigures>;
export const PutQuarter = QuarterFigures.and(z.object({ version: z.number().int().min(0).describe('0 to enter the quarter') }));
export const Quarter = z.object({ year: z.string(), quarter: z.number().int().min(1).max(4) }).extend(RecordMeta.shape).and(QuarterFigures);
export type Quarter = z.infer<typeof Quarter>;

/** One published cell as the API sends it: the text to show and, when shown, the number. */
export const PublishedCellView = z.object({ text: z.string().describe('"12", "<5" or "[c]"'), value: z.number().optional() });
export const PublishedTableView = z.object({
  title: z.string(),
  rows: z.array(z.object({ key: z.string(), label: z.string() })),
  columns: z.array(z.object({ key: z.string(), label: z.string() })),
  cells: z.array(z.array(PublishedCellView)),
  rowTotals: z.array(PublishedCellView).optional(),
  columnTotals: z.array(PublishedCellView).optional(),
  grandTotal: PublishedCellView.optional(),
});
export type PublishedTableView = z.infer<typeof PublishedTableView>;

export const PublishedFigures = z.object({
  year: z.string(),
  quartersEntered: z.array(z.number()),
  note: z.string().describe('How the figures are suppressed'),
  referrals: PublishedTableView,
  channel: PublishedTableView,
  hateCrime: PublishedTableView,
  hateCrimeReportsPerReferral: z.number().nullable().describe('Hate-crime reports per Prevent referral in the year; null when either total is suppressed or zero'),
  outreachTraining: z.object({
    events: z.number(),
    attendees: z.number(),
    feedbackShare: z.number().nullable(),
    byAudience: z.array(z.object({ audience: z.string(), events: z.number(), attendees: z.number() })),
  }),
  communications: z.object({ byKind: z.array(z.object({ kind: z.string(), count: z.number(), reach: z.number() })) }),
});
export type PublishedFigures = z.infer<typeof PublishedFigures>;

const view = (c: PublishedCell) => {
  const value = cellValue(c);
  return value === undefined ? { text: cellText(c) } : { text: cellText(c), value };
};
function tableView(t: PublishedTable): PublishedTableView {
  return {
    title: t.title,
    rows: t.rows,
    columns: t.columns,
    cells: t.cells.map((r) => r.map(view)),
    ...(t.rowTotals ? { rowTotals: t.rowTotals.map(view) } : {}),
    ...(t.columnTotals ? { columnTotals: t.columnTotals.map(view) } : {}),
    ...(t.grandTotal ? { grandTotal: view(t.grandTotal) } : {}),
  };
}

/**
 * The figures of a year as they may leave the product: the OFFICIAL-SENSITIVE counts (referrals,
 * Channel, hate crime) suppressed, quarter by quarter with the year's totals; activity figures
 * (outreach training, communications) as they are — they count events and audiences, not people
 * at risk. Every export reads this one form.
 */
export function publishFigures(year: string, quarters: readonly Quarter[]): PublishedFigures {
  const entered = [...quarters].sort((a, b) => a.quarter - b.quarter);
  const columns = entered.map((q) => ({ key: `q${q.quarter}`, label: QUARTER_LABELS[q.quarter - 1] }));
  const referrals = suppressTable({
    title: 'Prevent referrals received, by referring sector',
    rows: REFERRAL_SECTORS.map((s) => ({ key: s, label: REFERRAL_SECTOR_LABELS[s] })),
    columns,
    cells: REFERRAL_SECTORS.map((s) => entered.map((q) => q.referrals[s])),
    totals: { rows: true, columns: true, grand: true },
  });
  const channel = suppressTable({
    title: 'Channel panel',
    rows: [
      { key: 'adopted', label: 'Referrals adopted by the Channel panel' },
      { key: 'opened', label: 'Channel cases opened' },
      { key: 'closed', label: 'Channel cases closed' },
    ],
    columns,
    cells: [entered.map((q) => q.channelAdopted), entered.map((q) => q.channelOpened), entered.map((q) => q.channelClosed)],
    totals: { rows: true, columns: false, grand: false },
  });
  const hateCrime = suppressTable({
    title: 'Hate-crime reports',
    rows: [{ key: 'hate-crime', label: 'Hate-crime reports' }],
    columns,
    cells: [entered.map((q) => q.hateCrimeReports)],
    totals: { rows: true, columns: false, grand: false },
  });
  const ratio = referrals.grandTotal && hateCrime.rowTotals ? publishedRatio(hateCrime.rowTotals[0], referrals.grandTotal) : undefined;
  const audiences = new Map<string, { audience: string; events: number; attendees: number }>();
  let respondents = 0;
  let good = 0;
  for (const q of entered) {
    for (const t of q.outreachTraining) {
      const key = t.audience.toLowerCase();
      const a = audiences.get(key) ?? { audience: t.audience, events: 0, attendees: 0 };
      a.events += t.events;
      a.attendees += t.attendees;
      audiences.set(key, a);
      respondents += t.feedbackRespondents ?? 0;
      good += t.feedbackGoodOrExcellent ?? 0;
    }
  }
  const kinds = new Map<string, { kind: string; count: number; reach: number }>();
  for (const q of entered) {
    for (const c of q.communications) {
      const k = kinds.get(c.kind) ?? { kind: c.kind, count: 0, reach: 0 };
      k.count += c.count;
      k.reach += c.reach ?? 0;
      kinds.set(c.kind, k);
    }
  }
  const byAudience = [...audiences.values()].sort((a, b) => b.attendees - a.attendees);
  return {
    year,
    quartersEntered: entered.map((q) => q.quarter),
    note: SUPPRESSION_NOTE,
    referrals: tableView(referrals),
    channel: tableView(channel),
    hateCrime: tableView(hateCrime),
    hateCrimeReportsPerReferral: ratio === undefined || !Number.isFinite(ratio) ? null : Math.round(ratio * 10) / 10,
    outreachTraining: {
      events: byAudience.reduce((n, a) => n + a.events, 0),
      attendees: byAudience.reduce((n, a) => n + a.attendees, 0),
      feedbackShare: respondents > 0 ? good / respondents : null,
      byAudience,
    },
    communications: { byKind: COMMUNICATION_KINDS.map((k) => kinds.get(k)).filter((k): k is NonNullable<typeof k> => !!k) },
  };
}

/** A viewer's share of the published figures: the year's totals only, never the quarters. */
export function totalsOnly(p: PublishedFigures): PublishedFigures {
  const yearOnly = (t: PublishedTableView): PublishedTableView => ({
    title: t.title,
    rows: t.rows,
    columns: [],
    cells: t.rows.map(() => []),
    ...(t.rowTotals ? { rowTotals: t.rowTotals } : {}),
    ...(t.grandTotal ? { grandTotal: t.grandTotal } : {}),
  });
  return { ...p, referrals: yearOnly(p.referrals), channel: yearOnly(p.channel), hateCrime: yearOnly(p.hateCrime) };
}

/** The published figures as CSV: one line per row of each table, its quarters (where the reader may see them) and the year. */
export function figuresCsv(p: PublishedFigures): string {
  const quarterKeys = p.referrals.columns.map((c) => c.label);
  const rows: (string | number)[][] = [];
  for (const t of [p.referrals, p.channel, p.hateCrime]) {
    t.rows.forEach((r, i) => rows.push([t.title, r.label, ...t.cells[i].map((c) => c.text), t.rowTotals?.[i]?.text ?? '']));
    if (t.columnTotals) rows.push([t.title, 'All sectors', ...t.columnTotals.map((c) => c.text), t.grandTotal?.text ?? '']);
  }
  rows.push(['Note', p.note, ...quarterKeys.map(() => ''), '']);
  return toCsv(['table', 'row', ...quarterKeys, `year ${p.year}${p.quartersEntered.length < 4 ? ` (quarters ${p.quartersEntered.join(', ') || 'none'} entered)` : ''}`], rows);
}

export interface DeliveryStore {
  list(tenantId: string, year: string): Promise<Quarter[]>;
  get(tenantId: string, year: string, quarter: number): Promise<Quarter | undefined>;
  put(tenantId: string, q: Quarter, expectedVersion: number, audit: AuditEvent): Promise<void>;
}

/** Whether the caller may enter and read the quarters: the steering group, or a lead or editor of a police-sector authority. */
export async function hasFullAccess(caller: Caller, authorities: { get(tenantId: string, id: string): Promise<Authority | undefined> }): Promise<boolean> {
  if (caller.role === 'steering-group') return true;
  if ((caller.role !== 'authority-lead' && caller.role !== 'authority-editor') || !caller.authorityId) return false;
  return (await authorities.get(caller.tenantId, caller.authorityId))?.sector === 'police';
}

export function deliveryService(deps: { store: DeliveryStore; authorities: { get(tenantId: string, id: string): Promise<Authority | undefined> }; clock: Clock; ids: IdGenerator }) {
  function checkYear(year: string) {
    if (!isReportingYear(year)) throw new ValidationError([{ path: 'path.year', message: 'A UK financial year such as 2024-25.' }]);
  }
  return {
    /**
     * The year's figures: the quarters as entered and the published (suppressed) form for the
     * steering group and the police; the published year totals alone for viewers; nothing for anyone else.
     */
    async get(caller: Caller, year: string): Promise<{ year: string; access: 'full' | 'totals'; quarters?: Quarter[]; published: PublishedFigures }> {
      checkYear(year);
      const full = await hasFullAccess(caller, deps.authorities);
      if (!full && caller.role !== 'viewer') throw new ForbiddenError('Delivery figures are OFFICIAL-SENSITIVE: the steering group and the police enter them, viewers see the totals.');
      const quarters = await deps.store.list(caller.tenantId, year);
      const published = publishFigures(year, quarters);
      return full ? { year, access: 'full', quarters, published } : { year, access: 'totals', published: totalsOnly(published) };
    },

    async put(caller: Caller, year: string, quarter: number, input: z.infer<typeof PutQuarter>): Promise<Quarter> {
      requireRole(caller, 'steering-group', 'authority-lead', 'authority-editor');
      if (!(await hasFullAccess(caller, deps.authorities))) throw new ForbiddenError('Only the steering group and the police enter delivery figures.');
      checkYear(year);
      const current = await deps.store.get(caller.tenantId, year, quarter);
      const { version, ...fields } = input;
      if (version !== (current?.version ?? 0)) throw new ConflictError('These figures were changed by someone else; reload them and try again.', { reason: 'stale_version', currentVersion: current?.version ?? 0 });
      const now = deps.clock.now();
      const next = { year, quarter, ...fields, ...(current ? nextMeta(current, caller, now) : newMeta(caller, now)) } as Quarter;
      await deps.store.put(
        caller.tenantId,
        next,
        version,
        auditEvent(caller, now, deps.ids, { action: current ? 'update' : 'create', entityType: 'delivery-figures', entityId: `${year}-Q${quarter}`, authorityId: caller.authorityId, before: current, after: next }),
      );
      return next;
    },
  };
}
