import * as z from 'zod';
import { EntityId } from '../shared/ids';
import { addMonths, IsoDate } from '../shared/dates';
import { RecordMeta } from '../shared/records';
import { isWellFormedText, WELL_FORMED_MESSAGE } from '../shared/text';
import { DeliveryMode, type Course } from './courses';

/**
 * A completion: one person, one course, one date. Its natural key is
 * (staff reference, course, completion date): recording the same one twice adds nothing.
 *
 * For each (staff reference, course) the latest completion is the *current* one, which
 * says whether that person's training is in date; earlier ones are *history*.
 */
export const StaffRef = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\u0000-\u001f]+$/, 'no control characters')
  .refine(isWellFormedText, WELL_FORMED_MESSAGE)
  .describe("The authority's own staff reference (payroll or employee number)");

/** Kept here too: several schemas import the date type from this module. */
export { IsoDate };

export const CompletionInput = z.object({
  staffRef: StaffRef,
  name: z.string().trim().min(1).max(200).optional().describe('Personal data; optional'),
  role: EntityId.optional().describe('A role id of the authority’s training plan'),
  team: z.string().trim().min(1).max(200).optional(),
  courseId: EntityId,
  completedOn: IsoDate,
  deliveryMode: DeliveryMode.optional(),
  provider: z.string().trim().min(1).max(200).optional(),
  certificateIssued: z.boolean().optional(),
});
export type CompletionInput = z.infer<typeof CompletionInput>;

export const Completion = CompletionInput.extend({
  id: z.string().describe('Identifier of this completion record'),
  authorityId: EntityId,
  expiresOn: z.string().nullable().describe('When a refresher is due (in date until the day before); null if the course never expires'),
  source: z.enum(['manual', 'import']),
  importId: z.string().optional(),
}).extend(RecordMeta.shape);
export type Completion = z.infer<typeof Completion>;

/** Everything about the person: redacted in audit events (see PERSONAL_FIELDS_BY_ENTITY). */
export const COMPLETION_PERSONAL_FIELDS = ['staffRef', 'name', 'team', 'provider'] as const;

/** An erasure request: the staff reference travels in the body, never in a URL. */
export const EraseStaff = z.object({ staffRef: StaffRef });

export function expiryOf(completedOn: string, course: Pick<Course, 'refresherMonths'>): string | null {
  return course.refresherMonths ? addMonths(completedOn, course.refresherMonths) : null;
}

export function isInDate(c: Pick<Completion, 'expiresOn'>, asOf: string): boolean {
  return c.expiresOn === null || c.expiresOn > asOf;
}

/** Identity of the (person, course) pair, and of one completion. */
export const pairKey = (c: Pick<Completion, 'staffRef' | 'courseId'>) => `${c.staffRef}\u0000${c.courseId}`;
export const completionKey = (c: Pick<Completion, 'staffRef' | 'courseId' | 'completedOn'>) => `${pairKey(c)}\u0000${c.completedOn}`;

/** What the merge needs to know of a stored current completion it does not replace. */
/** What an import compares of a stored current completion (`id` tells a row an earlier attempt of the same import stored). */
export type CurrentHead = Pick<Completion, 'staffRef' | 'courseId' | 'completedOn' | 'version'> & { id?: string };

const isFull = (c: Completion | CurrentHead): c is Completion => 'createdAt' in c;

export interface CompletionWrite {
  slot: 'current' | 'history';
  completion: Completion;
}

/**
 * Older completions than the stored current one must be checked against history before
 * they are counted as new: these are the ones to look up.
 */
export function historyToCheck(current: ReadonlyMap<string, Completion | CurrentHead>, incoming: readonly Completion[]): Completion[] {
  return incoming.filter((c) => {
    const cur = current.get(pairKey(c));
    return cur !== undefined && c.completedOn < cur.completedOn;
  });
}

/**
 * Merges incoming completions into the stored state of their (person, course) pairs.
 * Returns the items to write and which incoming completions were new or already known.
 * Pure: the caller reads `current` and `historyKnown` first and writes the result.
 */
export function mergeCompletions(
  current: ReadonlyMap<string, Completion | CurrentHead>,
  historyKnown: ReadonlySet<string>,
  incoming: readonly Completion[],
): { writes: CompletionWrite[]; added: Completion[]; duplicates: Completion[] } {
  const writes: CompletionWrite[] = [];
  const added: Completion[] = [];
  const duplicates: Completion[] = [];
  const groups = new Map<string, Completion[]>();
  for (const c of incoming) {
    const k = pairKey(c);
    const list = groups.get(k);
    if (list) list.push(c);
    else groups.set(k, [c]);
  }
  for (const [k, list] of groups) {
    list.sort((a, b) => a.completedOn.localeCompare(b.completedOn));
    const stored = current.get(k);
    let head: Completion | CurrentHead | undefined = stored;
    let headIsNew = false;
    const seen = new Set<string>();
    for (const c of list) {
      const key = completionKey(c);
      if (head && c.completedOn === head.completedOn) {
        duplicates.push(c);
      } else if (!head || c.completedOn > head.completedOn) {
        if (head) {
          if (!isFull(head)) throw new Error('A superseded completion must be read in full before it moves to history');
          writes.push({ slot: 'history', completion: head });
        }
        head = c;
        headIsNew = true;
        added.push(c);
      } else if (historyKnown.has(key) || seen.has(key)) {
        duplicates.push(c);
      } else {
        writes.push({ slot: 'history', completion: c });
        added.push(c);
      }
      seen.add(key);
    }
    if (headIsNew && head && isFull(head)) writes.push({ slot: 'current', completion: head });
  }
  return { writes, added, duplicates };
}
