import { ValidationError } from '../../domain/shared/errors';
import { isEntityId, isTenantId } from '../../domain/shared/ids';
import { isWellFormedText, WELL_FORMED_MESSAGE } from '../../domain/shared/text';
import { TABLE } from './table';

/**
 * Every key of the table is spelled here and nowhere else. Each partition key of a
 * partnership's items starts with `<tenantId>#`; tenant ids cannot contain `#`, so one
 * tenant's prefix never matches another's, and IAM `dynamodb:LeadingKeys` with
 * `<tenantId>#*` confines credentials to one partnership.
 */
export const KEY_DELIMITER = '#';

function tenant(tenantId: string): string {
  if (!isTenantId(tenantId)) throw new Error('Invalid tenant id in key');
  return tenantId;
}

function reportingYear(value: string): string {
  if (!/^\d{4}-\d{2}$/.test(value)) throw new Error('Invalid reporting year in key');
  return value;
}

function quarterNumber(value: number): number {
  if (![1, 2, 3, 4].includes(value)) throw new Error('Invalid quarter in key');
  return value;
}

function id(value: string): string {
  if (!isEntityId(value)) throw new Error('Invalid id in key');
  return value;
}

/** Prefix of every partition key of a tenant, for IAM conditions. */
export function tenantKeyPrefix(tenantId: string): string {
  return `${tenant(tenantId)}${KEY_DELIMITER}`;
}

type Key = { PK: string; SK: string };

/** Sort-key prefix of user (membership) records; `EMAIL#` markers share their partition. */
export const USER_SORT_PREFIX = 'USER#';

/**
 * Free text (staff references, emails, subjects) made safe for a key: `#` becomes `%23`.
 * Text with a lone surrogate cannot be encoded (URIError): that is bad input, refused as
 * such (400), whichever route let it through.
 */
const enc = (text: string) => {
  if (!isWellFormedText(text)) throw new ValidationError([{ path: 'key', message: `A key part must be ${WELL_FORMED_MESSAGE}.` }]);
  return encodeURIComponent(text);
};

/** Leading keys of the identity path's items (upper case, so never a tenant's prefix); the stack grants on them. */
export const IDENTITY_PREFIX = 'IDENTITY#';
export const MEMBER_PREFIX = 'MEMBER#';

/** A completion as the keys need it. */
type CompletionKeyParts = { staffRef: string; courseId: string; completedOn: string; expiresOn: string | null };

export const keys = {
  partnership: (tenantId: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}PARTNERSHIP`, SK: 'PARTNERSHIP' }),

  /** Query of every authority of a partnership. */
  authorities: (tenantId: string) => ({ pk: `${tenantKeyPrefix(tenantId)}AUTHORITY`, skPrefix: 'AUTHORITY#' }),
  authority: (tenantId: string, authorityId: string): Key => ({
    PK: `${tenantKeyPrefix(tenantId)}AUTHORITY`,
    SK: `AUTHORITY#${id(authorityId)}`,
  }),

  users: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}USER`, skPrefix: USER_SORT_PREFIX }),
  user: (tenantId: string, userId: string): Key => ({
    PK: `${tenantKeyPrefix(tenantId)}USER`,
    SK: `${USER_SORT_PREFIX}${encodeURIComponent(userId)}`,
  }),
  /**
   * GSI3 attributes of a user record: the membership indexed by person, so the identity path
   * finds every partnership of one `sub` in one Query. The tenant is read back from the
   * record's own PK (keyParts.tenantOf), never from an attribute, and the sort key only orders.
   */
  membershipIndex: (tenantId: string, userId: string) => ({
    [TABLE.indexes.GSI3.partitionKey]: keys.memberships(userId).PK,
    [TABLE.indexes.GSI3.sortKey]: tenant(tenantId),
  }),
  /** Query of a person's memberships across partnerships (GSI3; the identity path only). */
  memberships: (userId: string) => ({ index: TABLE.indexes.GSI3, PK: `${MEMBER_PREFIX}${encodeURIComponent(userId)}` }),
  /**
   * The partnership a person chose to act for. It belongs to the person, not to a partnership,
   * so its key has no tenant prefix; tenant ids are lower-case, so `IDENTITY#` is no tenant's.
   */
  identityChoice: (userId: string): Key => ({ PK: `${IDENTITY_PREFIX}${encodeURIComponent(userId)}`, SK: 'PARTNERSHIP' }),
  /** Uniqueness marker: one user per email address within a partnership. */
  userEmail: (tenantId: string, email: string): Key => ({
    PK: `${tenantKeyPrefix(tenantId)}USER`,
    SK: `EMAIL#${encodeURIComponent(email.toLowerCase())}`,
  }),

  audit: {
    /** All events of a tenant, newest first when queried backwards. */
    all: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}AUDIT` }),
    byAuthority: (tenantId: string, authorityId: string) => ({
      index: TABLE.indexes.GSI1,
      PK: `${tenantKeyPrefix(tenantId)}AUDIT#AUTHORITY#${id(authorityId)}`,
    }),
    byEntity: (tenantId: string, entityType: string, entityId: string) => ({
      index: TABLE.indexes.GSI2,
      PK: `${tenantKeyPrefix(tenantId)}AUDIT#ENTITY#${entityType}#${encodeURIComponent(entityId)}`,
    }),
    /** The full key set of one event: base table plus both audit indexes. */
    event: (tenantId: string, e: { at: string; id: string; authorityId?: string; entityType: string; entityId: string }) => {
      const sort = `${e.at}#${e.id}`;
      return {
        PK: keys.audit.all(tenantId).PK,
        SK: sort,
        ...(e.authorityId
          ? { [TABLE.indexes.GSI1.partitionKey]: keys.audit.byAuthority(tenantId, e.authorityId).PK, [TABLE.indexes.GSI1.sortKey]: sort }
          : {}),
        [TABLE.indexes.GSI2.partitionKey]: keys.audit.byEntity(tenantId, e.entityType, e.entityId).PK,
        [TABLE.indexes.GSI2.sortKey]: sort,
      };
    },
  },

  /**
   * One Idempotency-Key of a partnership's create request: its own partition (keys are random
   * UUIDs, so writes spread), under the tenant prefix like every other item of the partnership.
   */
  idempotency: (tenantId: string, key: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}IDEMPOTENCY#${enc(key)}`, SK: 'IDEMPOTENCY' }),

  /** Query of the partnership's course catalogue. */
  courses: (tenantId: string) => ({ pk: `${tenantKeyPrefix(tenantId)}COURSE`, skPrefix: 'COURSE#' }),
  course: (tenantId: string, courseId: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}COURSE`, SK: `COURSE#${id(courseId)}` }),

  /**
   * An authority's training partition: its plan, its imports and the completions. The
   * current completion of each (person, course) is `CUR#…`; superseded ones are `HIST#…`.
   */
  training: {
    partition: (tenantId: string, authorityId: string) => `${tenantKeyPrefix(tenantId)}TRAINING#${id(authorityId)}`,
    plan: (tenantId: string, authorityId: string): Key => ({ PK: keys.training.partition(tenantId, authorityId), SK: 'PLAN' }),
    importRecord: (tenantId: string, authorityId: string, importId: string): Key => ({
      PK: keys.training.partition(tenantId, authorityId),
      SK: `IMPORT#${id(importId)}`,
    }),
    importLock: (tenantId: string, authorityId: string): Key => ({ PK: keys.training.partition(tenantId, authorityId), SK: 'IMPORT-LOCK' }),
    /** The authority's saved import mapping (one item; `IMPORT#` does not match `IMPORT-MAPPING`). */
    importMapping: (tenantId: string, authorityId: string): Key => ({ PK: keys.training.partition(tenantId, authorityId), SK: 'IMPORT-MAPPING' }),
    /** Prefix of import records only (every one of an authority, for erasure): `IMPORT#` does not match `IMPORT-LOCK`. */
    importPrefix: 'IMPORT#',
    currentPrefix: 'CUR#',
    current: (tenantId: string, authorityId: string, c: Pick<CompletionKeyParts, 'staffRef' | 'courseId'>): Key => ({
      PK: keys.training.partition(tenantId, authorityId),
      SK: `CUR#${enc(c.staffRef)}#${id(c.courseId)}`,
    }),
    history: (tenantId: string, authorityId: string, c: Pick<CompletionKeyParts, 'staffRef' | 'courseId' | 'completedOn'>): Key => ({
      PK: keys.training.partition(tenantId, authorityId),
      SK: `HIST#${enc(c.staffRef)}#${id(c.courseId)}#${c.completedOn}`,
    }),
    /** Both slots of one staff reference, for erasure. */
    staffPrefixes: (staffRef: string) => [`CUR#${enc(staffRef)}#`, `HIST#${enc(staffRef)}#`],
    /** Completions by date (GSI1), every slot. */
    byDate: (tenantId: string, authorityId: string) => ({ index: TABLE.indexes.GSI1, PK: `${keys.training.partition(tenantId, authorityId)}#DATE` }),
    /** Current completions by refresher due date (GSI2): sparse, only for courses that expire. */
    byExpiry: (tenantId: string, authorityId: string) => ({ index: TABLE.indexes.GSI2, PK: `${keys.training.partition(tenantId, authorityId)}#EXPIRY` }),
    /** Index attributes of a completion in its slot. */
    completionIndexes: (tenantId: string, authorityId: string, c: CompletionKeyParts, slot: 'current' | 'history') => ({
      [TABLE.indexes.GSI1.partitionKey]: keys.training.byDate(tenantId, authorityId).PK,
      [TABLE.indexes.GSI1.sortKey]: `${c.completedOn}#${id(c.courseId)}#${enc(c.staffRef)}`,
      ...(slot === 'current' && c.expiresOn
        ? {
            [TABLE.indexes.GSI2.partitionKey]: keys.training.byExpiry(tenantId, authorityId).PK,
            [TABLE.indexes.GSI2.sortKey]: `${c.expiresOn}#${enc(c.staffRef)}#${id(c.courseId)}`,
          }
        : {}),
    }),
  },

  sessions: {
    partition: (tenantId: string, authorityId: string) => `${tenantKeyPrefix(tenantId)}SESSION#${id(authorityId)}`,
    item: (tenantId: string, authorityId: string, sessionId: string): Key => ({
      PK: keys.sessions.partition(tenantId, authorityId),
      SK: `SESSION#${id(sessionId)}`,
    }),
    byDate: (tenantId: string, authorityId: string) => ({ index: TABLE.indexes.GSI1, PK: `${tenantKeyPrefix(tenantId)}SESSION#${id(authorityId)}#DATE` }),
    indexes: (tenantId: string, authorityId: string, s: { date: string; id: string }) => ({
      [TABLE.indexes.GSI1.partitionKey]: keys.sessions.byDate(tenantId, authorityId).PK,
      [TABLE.indexes.GSI1.sortKey]: `${s.date}#${id(s.id)}`,
    }),
  },

  /** An authority's SOP (one per authority, all in one partition per tenant) and its history and obligations. */
  sops: {
    list: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}SOPS`, skPrefix: 'SOP#' }),
    current: (tenantId: string, authorityId: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}SOPS`, SK: `SOP#${id(authorityId)}` }),
    partition: (tenantId: string, authorityId: string) => `${tenantKeyPrefix(tenantId)}SOP#${id(authorityId)}`,
    /** Immutable copy of each version of the SOP record. */
    snapshot: (tenantId: string, authorityId: string, version: number): Key => ({
      PK: keys.sops.partition(tenantId, authorityId),
      SK: `VERSION#${String(version).padStart(6, '0')}`,
    }),
    review: (tenantId: string, authorityId: string, reviewedOn: string, reviewId: string): Key => ({
      PK: keys.sops.partition(tenantId, authorityId),
      SK: `REVIEW#${reviewedOn}#${id(reviewId)}`,
    }),
    obligation: (tenantId: string, authorityId: string, obligationId: string): Key => ({
      PK: keys.sops.partition(tenantId, authorityId),
      SK: `OBL#${id(obligationId)}`,
    }),
  },

  /** Descriptors of what falls due, for the reminder engine, and the reminders queued from them. */
  due: {
    item: (tenantId: string, kind: string, itemId: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}DUE`, SK: `${kind}#${id(itemId)}` }),
    all: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}DUE` }),
    /** GSI3 attributes while a reminder is scheduled; none once nothing more is due. */
    schedule: (tenantId: string, kind: string, itemId: string, nextRemindOn: string | null) =>
      nextRemindOn
        ? { [TABLE.indexes.GSI3.partitionKey]: `REMIND#${nextRemindOn}`, [TABLE.indexes.GSI3.sortKey]: `${tenantKeyPrefix(tenantId)}${kind}#${id(itemId)}` }
        : {},
    bucket: (date: string) => ({ index: TABLE.indexes.GSI3, PK: `REMIND#${date}` }),
    /** Every key attribute of a stored descriptor: its item key and, while scheduled, its GSI3 keys. */
    stored: (due: { tenantId: string; kind: string; itemId: string; nextRemindOn: string | null }) => ({
      ...keys.due.item(due.tenantId, due.kind, due.itemId),
      ...keys.due.schedule(due.tenantId, due.kind, due.itemId, due.nextRemindOn),
    }),
  },
  itFilter: {
    partition: (tenantId: string, authorityId: string) => `${tenantKeyPrefix(tenantId)}ITFILTER#${id(authorityId)}`,
    year: (tenantId: string, authorityId: string, year: string): Key => ({ PK: keys.itFilter.partition(tenantId, authorityId), SK: `YEAR#${reportingYear(year)}` }),
    /** Every year's assurance of an authority. */
    years: (tenantId: string, authorityId: string) => ({ pk: keys.itFilter.partition(tenantId, authorityId), skPrefix: 'YEAR#' }),
  },

  statements: {
    partition: (tenantId: string, authorityId: string) => `${tenantKeyPrefix(tenantId)}STATEMENT#${id(authorityId)}`,
    current: (tenantId: string, authorityId: string, year: string): Key => ({
      PK: keys.statements.partition(tenantId, authorityId),
      SK: `${reportingYear(year)}#CURRENT`,
    }),
    version: (tenantId: string, authorityId: string, year: string, n: number): Key => ({
      PK: keys.statements.partition(tenantId, authorityId),
      SK: `${reportingYear(year)}#V#${String(n).padStart(4, '0')}`,
    }),
    deadline: (tenantId: string, year: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}DEADLINE`, SK: reportingYear(year) }),
    frameworks: (tenantId: string) => ({ PK: `${tenantKeyPrefix(tenantId)}FRAMEWORK` }),
    framework: (tenantId: string, key: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}FRAMEWORK`, SK: enc(key) }),
  },

  /**
   * The partnership's own records. Action plans in one partition (a handful); actions by year,
   * every plan's in one partition per year (`<planId>#<actionId>`), so a report reads the year's
   * actions in the same round as everything else; Home Office assessments by year in one
   * partition (a report reads the latest up to its year: one Query); delivery figures by
   * `<year>#Q<n>`; the annual report's narrative by year.
   */
  actionPlans: {
    list: (tenantId: string) => ({ pk: `${tenantKeyPrefix(tenantId)}ACTIONPLAN`, skPrefix: 'PLAN#' }),
    plan: (tenantId: string, planId: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}ACTIONPLAN`, SK: `PLAN#${id(planId)}` }),
    yearPartition: (tenantId: string, year: string) => `${tenantKeyPrefix(tenantId)}ACTIONS#${reportingYear(year)}`,
    action: (tenantId: string, year: string, planId: string, actionId: string): Key => ({ PK: keys.actionPlans.yearPartition(tenantId, year), SK: `${id(planId)}#${id(actionId)}` }),
    /** One plan's actions of a year. */
    actions: (tenantId: string, year: string, planId: string) => ({ pk: keys.actionPlans.yearPartition(tenantId, year), skPrefix: `${id(planId)}#` }),
    /** Every plan's actions of a year. */
    yearActions: (tenantId: string, year: string) => ({ pk: keys.actionPlans.yearPartition(tenantId, year) }),
  },
  assessments: {
    all: (tenantId: string) => ({ pk: `${tenantKeyPrefix(tenantId)}ASSESSMENT` }),
    year: (tenantId: string, year: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}ASSESSMENT`, SK: reportingYear(year) }),
    /** Years up to `year`, newest first with limit 1: the latest on or before it. */
    upTo: (tenantId: string, year: string) => ({ pk: `${tenantKeyPrefix(tenantId)}ASSESSMENT`, skBetween: ['0000', reportingYear(year)] as [string, string] }),
  },
  delivery: {
    quarter: (tenantId: string, year: string, quarter: number): Key => ({ PK: `${tenantKeyPrefix(tenantId)}DELIVERY`, SK: `${reportingYear(year)}#Q${quarterNumber(quarter)}` }),
    year: (tenantId: string, year: string) => ({ pk: `${tenantKeyPrefix(tenantId)}DELIVERY`, skPrefix: `${reportingYear(year)}#Q` }),
  },
  annualReports: {
    narrative: (tenantId: string, year: string): Key => ({ PK: `${tenantKeyPrefix(tenantId)}ANNUALREPORT`, SK: reportingYear(year) }),
  },

  /**
   * Report summaries, all in one partition per tenant: `Y#<year>#<a>` per authority and year,
   * `Y#~CURRENT#<a>` for the current state ('~' sorts after digits). A report Queries the
   * current items (`currents`: they carry every year's figures too, so the range is the same
   * whichever year is asked); `range` [`Y#<previous year>#`, `Y#~`], two years and the current
   * state, is read only while current items of the older shape remain.
   */
  reports: {
    partition: (tenantId: string) => `${tenantKeyPrefix(tenantId)}REPORT`,
    year: (tenantId: string, year: string, authorityId: string): Key => ({ PK: keys.reports.partition(tenantId), SK: `Y#${reportingYear(year)}#${id(authorityId)}` }),
    current: (tenantId: string, authorityId: string): Key => ({ PK: keys.reports.partition(tenantId), SK: `Y#~CURRENT#${id(authorityId)}` }),
    currents: (tenantId: string) => ({ pk: keys.reports.partition(tenantId), skPrefix: 'Y#~CURRENT#' }),
    range: (tenantId: string, fromYear: string) => ({ pk: keys.reports.partition(tenantId), skBetween: [`Y#${reportingYear(fromYear)}#`, 'Y#~~'] as [string, string] }),
  },
};

// ==============================================================================
// Sort-key prefixes and key parsing for code that reads whole partitions (report
// summaries, SOP history, the stream consumer): the repositories test a sort key or
// split a partition key only through these.
// =====================================================================================
const SOP_VERSION_PREFIX = 'VERSION#';
const SOP_REVIEW_PREFIX = 'REVIEW#';
const OBLIGATION_PREFIX = 'OBL#';
/** Immutable copies of each obligation version ('OBLVER#' does not begin with 'OBL#'). */
const OBLIGATION_VERSION_PREFIX = 'OBLVER#';
const TRAINING_PLAN_SK = 'PLAN';
const STATEMENT_CURRENT_SUFFIX = '#CURRENT';

export const keyParts = {
  /** The tenant a partition key belongs to, or undefined for a key that is not a tenant's. */
  tenantOf(partitionKey: string | undefined): string | undefined {
    const head = (partitionKey ?? '').split(KEY_DELIMITER)[0];
    return isTenantId(head) ? head : undefined;
  },
  sops: {
    /** Query of every immutable SOP snapshot of an authority, oldest first. */
    versions: (tenantId: string, authorityId: string) => ({ pk: keys.sops.partition(tenantId, authorityId), skPrefix: SOP_VERSION_PREFIX }),
    /** Query of every recorded annual review of an authority. */
    reviews: (tenantId: string, authorityId: string) => ({ pk: keys.sops.partition(tenantId, authorityId), skPrefix: SOP_REVIEW_PREFIX }),
    /** Query of every (current) obligation of an authority. */
    obligations: (tenantId: string, authorityId: string) => ({ pk: keys.sops.partition(tenantId, authorityId), skPrefix: OBLIGATION_PREFIX }),
    /** The immutable copy of one version of an obligation (a deletion leaves one too). */
    obligationVersion: (tenantId: string, authorityId: string, obligationId: string, version: number): Key => ({
      PK: keys.sops.partition(tenantId, authorityId),
      SK: `${OBLIGATION_VERSION_PREFIX}${id(obligationId)}#${String(version).padStart(6, '0')}`,
    }),
    /** The whole SOP partition of an authority: snapshots, reviews, obligations and their versions. */
    partition: (tenantId: string, authorityId: string) => ({ pk: keys.sops.partition(tenantId, authorityId) }),
    isVersion: (sk: unknown) => String(sk).startsWith(SOP_VERSION_PREFIX),
    isObligation: (sk: unknown) => String(sk).startsWith(OBLIGATION_PREFIX),
    isObligationVersion: (sk: unknown) => String(sk).startsWith(OBLIGATION_VERSION_PREFIX),
  },
  training: {
    isPlan: (sk: unknown) => sk === TRAINING_PLAN_SK,
    isCurrentCompletion: (sk: unknown) => String(sk).startsWith(keys.training.currentPrefix),
  },
  statements: {
    /** The working copy of a year's statement, as opposed to its frozen versions. */
    isCurrent: (sk: unknown) => String(sk).endsWith(STATEMENT_CURRENT_SUFFIX),
  },
};

// ---------------------------------------------------------------------------------------
// The reminder job: queued reminders, the job's watermark, descriptor refreshes.
// ---------------------------------------------------------------------------------------

function reminderKeyDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error('Invalid date in key');
  return value;
}

function reminderStage(value: string): string {
  if (!/^(before-\d+|due-today|overdue-\d+)$/.test(value)) throw new Error('Invalid reminder stage in key');
  return value;
}

/** What identifies a reminder: one per item, due date and stage. */
type ReminderKeyParts = { kind: string; itemId: string; dueOn: string; stage: string };

const reminderSort = (r: ReminderKeyParts) => `${id(r.kind)}#${id(r.itemId)}#${reminderKeyDate(r.dueOn)}#${reminderStage(r.stage)}`;

/** One GSI3 partition of the reminders still to deliver (an item leaves it once sent). */
const REMINDER_OUTBOX = 'OUTBOX';
/** One GSI3 partition of the partnerships whose due descriptors are being re-derived. */
const DUE_REFRESHING = 'REFRESH';

export const reminderKeys = {
  /** A queued reminder (the outbox entry, kept afterwards as the record of what was sent). */
  item: (tenantId: string, r: ReminderKeyParts): Key => ({ PK: `${tenantKeyPrefix(tenantId)}REMINDER`, SK: reminderSort(r) }),
  /** GSI3 attributes while the reminder waits for delivery. */
  outbox: (tenantId: string, r: ReminderKeyParts) => ({
    [TABLE.indexes.GSI3.partitionKey]: REMINDER_OUTBOX,
    [TABLE.indexes.GSI3.sortKey]: `${tenantKeyPrefix(tenantId)}${reminderSort(r)}`,
  }),
  /** The GSI3 attributes to remove once a reminder is delivered. */
  outboxAttributes: [TABLE.indexes.GSI3.partitionKey, TABLE.indexes.GSI3.sortKey] as const,
  /** Every reminder still to deliver, whatever run queued it: one Query. */
  pending: () => ({ index: TABLE.indexes.GSI3, PK: REMINDER_OUTBOX }),
  /**
   * The job's watermark: the date of its last completed run. It belongs to no partnership, so
   * its key has no tenant prefix; tenant ids are lower-case, so `JOB#` is no tenant's prefix.
   */
  watermark: (): Key => ({ PK: 'JOB#REMINDERS', SK: 'WATERMARK' }),
  /**
   * Marks a partnership whose due descriptors are being re-derived after its settings or an
   * authority changed: written in the change's transaction, deleted once every descriptor is
   * rewritten. One still present means the rewrite died half-way; the job repairs it.
   */
  refreshMarker: (tenantId: string): Key & Record<string, string> => ({
    PK: `${tenantKeyPrefix(tenantId)}REFRESH`,
    SK: 'DUE',
    [TABLE.indexes.GSI3.partitionKey]: DUE_REFRESHING,
    [TABLE.indexes.GSI3.sortKey]: tenantKeyPrefix(tenantId),
  }),
  refreshing: () => ({ index: TABLE.indexes.GSI3, PK: DUE_REFRESHING }),
};

/**
 * The readiness probe's key (GET /health/ready): read, never written, and outside every
 * partnership, so the public function's one permission (GetItem on this leading key) reaches
 * no data.
 */
export const HEALTH_KEY = { PK: 'HEALTH', SK: 'READY' } as const;
