import * as z from 'zod';
import { addDays, daysBetween, toIsoDate } from '../shared/dates';
import type { Authority } from '../authorities/authority';
import { settingsOf, type Partnership, type PartnershipSettings } from '../partnerships/partnership';
import type { Clock, IdGenerator } from '../shared/ports';
import { auditEvent, type AuditEvent } from '../audit/audit';

/**
 * The reminder engine is generic: anything that falls due is described by a small
 * descriptor (what, whose, due when, who to tell). SOP reviews and SOP obligations are the
 * first kinds; IT-filter reviews, training refreshers and statement deadlines plug in by
 * writing descriptors of their own kind.
 */
export const DUE_KINDS = ['sop-review', 'obligation', 'it-filter-review', 'statement', 'action'] as const;
export const DueKind = z.enum(DUE_KINDS);
export type DueKind = z.infer<typeof DueKind>;

export interface DueItem {
  tenantId: string;
  kind: DueKind;
  /** The record that falls due, unique within its kind and partnership. */
  itemId: string;
  authorityId: string;
  authorityName: string;
  /** What falls due, in words: "Annual review of the OPCC Prevent SOP". */
  title: string;
  dueOn: string;
  /**
   * Path of the record, as in the API (`/authorities/<id>/sop`). Messages link to the web app's
   * page for it, the same path under APP_PAGES_PREFIX (see appPageUrl), never to the JSON route.
   */
  path: string;
  /** Who to tell: the authority's Prevent lead. */
  to: { email: string; name?: string }[];
  /** Copied when the item is overdue (the steering group), if the partnership wants it. */
  ccWhenOverdue: string[];
  /** Days before the due date at which to remind (from the partnership's settings). */
  thresholds: number[];
  /** The next date on which a reminder is due; null when nothing more is to be sent. */
  nextRemindOn: string | null;
}

export const DEFAULT_THRESHOLDS = [60, 30, 7, 0];
/** While overdue, a reminder goes every this many days. */
export const OVERDUE_EVERY_DAYS = 7;


/**
 * The first date on or after `today` on which a reminder is due: a threshold date before
 * the due date, the due date itself, or — when the item is already overdue — today, then
 * weekly from the due date.
 */
export function firstReminderOn(dueOn: string, thresholds: readonly number[], today: string): string {
  if (dueOn < today) return today;
  const candidates = [...thresholds, 0].map((t) => addDays(dueOn, -t)).filter((d) => d >= today);
  return candidates.sort()[0] ?? dueOn;
}

/** The reminder date after `sentOn`: the next threshold date, or the next weekly overdue date. */
export function nextReminderAfter(dueOn: string, thresholds: readonly number[], sentOn: string): string {
  const before = [...thresholds, 0].map((t) => addDays(dueOn, -t)).filter((d) => d > sentOn).sort();
  if (before.length) return before[0];
  const overdueDays = daysBetween(dueOn, sentOn);
  const weeks = Math.floor(overdueDays / OVERDUE_EVERY_DAYS) + 1;
  return addDays(dueOn, weeks * OVERDUE_EVERY_DAYS);
}

export type ReminderStage = { kind: 'before'; days: number } | { kind: 'due-today' } | { kind: 'overdue'; days: number };

export function stageOn(dueOn: string, date: string): ReminderStage {
  const days = daysBetween(date, dueOn);
  if (days > 0) return { kind: 'before', days };
  if (days === 0) return { kind: 'due-today' };
  return { kind: 'overdue', days: -days };
}

/** A stable name for the reminder of a stage: one message per item, due date and stage. */
export function stageKey(stage: ReminderStage): string {
  return stage.kind === 'before' ? `before-${stage.days}` : stage.kind === 'due-today' ? 'due-today' : `overdue-${stage.days}`;
}

export interface ReminderMessage {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
}

/**
 * The web app's pages for records: the record's API path under `/app`, on the app's origin
 * (`appBaseUrl`; locally the origin `npm start` serves). The prefix keeps a page's URL apart
 * from the JSON route of the same record when both are served from one origin.
 */
export const APP_PAGES_PREFIX = '/app';

/** The web app's page for a due item, e.g. `https://prevent.example.org/app/authorities/opcc/sop`. */
export function appPageUrl(appBaseUrl: string, item: Pick<DueItem, 'path'>): string {
  return `${appBaseUrl.replace(/\/+$/, '')}${APP_PAGES_PREFIX}${item.path}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const ukDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The message for one item at one stage, in plain text and HTML, with a link to the record. */
export function renderReminder(item: DueItem, stage: ReminderStage, appBaseUrl: string): ReminderMessage {
  const when =
    stage.kind === 'before' ? `due in ${stage.days} day${stage.days === 1 ? '' : 's'}, on ${ukDate(item.dueOn)}` : stage.kind === 'due-today' ? `due today, ${ukDate(item.dueOn)}` : `overdue by ${stage.days} day${stage.days === 1 ? '' : 's'} (it was due on ${ukDate(item.dueOn)})`;
  const link = appPageUrl(appBaseUrl, item);
  const subject = `${stage.kind === 'overdue' ? 'Overdue: ' : 'Reminder: '}${item.title} — ${item.authorityName}`;
  const greeting = item.to[0]?.name ? `Dear ${item.to[0].name},` : 'Hello,';
  const lines = [
    greeting,
    '',
    `${item.title} for ${item.authorityName} is ${when}.`,
    '',
    `Open the record: ${link}`,
    '',
    stage.kind === 'overdue'
      ? 'The Prevent Steering Group is copied because this is overdue.'
      : stage.kind === 'due-today'
        ? 'If it is not done today, reminders will follow weekly and the Prevent Steering Group will be copied.'
        : 'You will be reminded again nearer the date.',
    '',
    'Prevent duty compliance',
  ];
  const html = `<p>${escapeHtml(greeting)}</p><p><strong>${escapeHtml(item.title)}</strong> for ${escapeHtml(item.authorityName)} is ${escapeHtml(when)}.</p><p><a href="${escapeHtml(link)}">Open the record</a></p><p>${escapeHtml(lines[6])}</p><p>Prevent duty compliance</p>`;
  return {
    to: item.to.map((r) => r.email),
    cc: stage.kind === 'overdue' ? item.ccWhenOverdue : [],
    subject,
    text: lines.join('\n'),
    html,
  };
}

/** Who to tell: the authority's Prevent lead (the steering group if it has none), and whom to copy once overdue. */
export function recipientsFor(authority: Pick<Authority, 'preventLeadEmail' | 'preventLeadName'>, settings: PartnershipSettings) {
  return {
    to: authority.preventLeadEmail ? [{ email: authority.preventLeadEmail, name: authority.preventLeadName }] : settings.steeringGroupEmails.map((email) => ({ email })),
    ccWhenOverdue: settings.copySteeringGroupOnOverdue ? settings.steeringGroupEmails : [],
  };
}

/**
 * Descriptors carry who to tell, so the daily job reads nothing but its buckets. When an
 * authority's lead or name, or the partnership's reminder settings change, its descriptors are
 * re-derived here (a new threshold list reschedules them from today). Pure: returns the
 * descriptors that change, for the use case to write in the same transaction as the change.
 */
export function rederiveDueItems(
  items: readonly DueItem[],
  authorities: readonly Pick<Authority, 'id' | 'name' | 'preventLeadEmail' | 'preventLeadName'>[],
  settings: PartnershipSettings,
  today: string,
  authorityId?: string,
): DueRewrite[] {
  const byId = new Map(authorities.map((a) => [a.id, a]));
  const changed: DueRewrite[] = [];
  for (const item of items) {
    const authority = byId.get(item.authorityId);
    if (!authority || (authorityId && item.authorityId !== authorityId)) continue;
    const rescheduled = JSON.stringify(item.thresholds) !== JSON.stringify(settings.reminderThresholds);
    const next: DueItem = {
      ...item,
      authorityName: authority.name,
      ...recipientsFor(authority, settings),
      thresholds: settings.reminderThresholds,
      nextRemindOn: rescheduled ? firstReminderOn(item.dueOn, settings.reminderThresholds, today) : item.nextRemindOn,
    };
    if (JSON.stringify(next) !== JSON.stringify(item)) changed.push({ before: item, after: next });
  }
  return changed;
}

/** A descriptor as read and as it must now be (written only if it is still as read). */
export interface DueRewrite {
  before: DueItem;
  after: DueItem;
}

/** The port through which use cases read descriptors and repairs find unfinished refreshes. */
export interface DueItemReader {
  list(tenantId: string): Promise<DueItem[]>;
}

/**
 * Re-derives every descriptor of a partnership from its authorities and settings as they are
 * stored now and rewrites those that differ, each only if still as read. Idempotent: the repair
 * of a refresh that died half-way (see repairDueItems). True when every rewrite went through.
 */
export async function refreshDueItems(
  deps: {
    due: DueItemReader & { rewrite(tenantId: string, rewrites: readonly DueRewrite[], audit: AuditEvent): Promise<boolean> };
    authorities: { list(tenantId: string): Promise<Authority[]> };
    partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
    clock: Clock;
    ids: IdGenerator;
  },
  tenantId: string,
): Promise<boolean> {
  const [items, authorities, partnership] = await Promise.all([deps.due.list(tenantId), deps.authorities.list(tenantId), deps.partnerships.get(tenantId)]);
  const now = deps.clock.now();
  const changed = rederiveDueItems(items, authorities, settingsOf(partnership), toIsoDate(now));
  if (!changed.length) return true;
  const audit = auditEvent({ userId: 'reminder-scheduler', role: 'system' }, now, deps.ids, {
    action: 'update',
    entityType: 'due-items',
    entityId: tenantId,
    note: `${changed.length} reminder descriptors re-derived after a change to the authorities or settings was interrupted.`,
  });
  return deps.due.rewrite(tenantId, changed, audit);
}

/**
 * For the authority and settings use cases: the descriptors their change re-derives, which they
 * write in the change's own transaction (so a crash cannot leave reminders going to a lead who
 * was replaced).
 */
export function dueItemChanges(deps: {
  due: DueItemReader;
  authorities: { list(tenantId: string): Promise<Authority[]> };
  partnerships: { get(tenantId: string): Promise<Partnership | undefined> };
}) {
  return {
    async forAuthority(tenantId: string, authority: Authority, today: string): Promise<DueRewrite[]> {
      const [items, partnership] = await Promise.all([deps.due.list(tenantId), deps.partnerships.get(tenantId)]);
      return rederiveDueItems(items, [authority], settingsOf(partnership), today, authority.id);
    },
    async forSettings(tenantId: string, settings: PartnershipSettings, today: string): Promise<DueRewrite[]> {
      const [items, authorities] = await Promise.all([deps.due.list(tenantId), deps.authorities.list(tenantId)]);
      return rederiveDueItems(items, authorities, settings, today);
    },
  };
}
export type DueItemChanges = ReturnType<typeof dueItemChanges>;

/**
 * A change whose descriptors do not fit in its own transaction leaves a marker there and
 * rewrites the rest after it; a crash in between leaves the marker. This finds each marked
 * partnership, re-derives all its descriptors and clears the marker. The reminder job runs it
 * before it reads its buckets, so no reminder goes to a lead who was replaced.
 */
export async function repairDueItems(
  deps: Parameters<typeof refreshDueItems>[0] & { due: { refreshing(): Promise<string[]>; refreshed(tenantId: string): Promise<void> } },
): Promise<number> {
  const tenants = await deps.due.refreshing();
  let repaired = 0;
  for (const tenantId of tenants) {
    // A rewrite refused because the item moved meanwhile keeps the marker: the next run retries.
    if (!(await refreshDueItems(deps, tenantId))) continue;
    await deps.due.refreshed(tenantId);
    repaired++;
  }
  return repaired;
}
