import * as z from 'zod';
import { EntityId } from '../shared/ids';
import { RecordMeta } from '../shared/records';
import { IsoDate } from './completions';

/**
 * A delivered training event: an attendee count and feedback rather than named people
 * ("65 events, ~1,700 staff trained, 95% rated good/excellent on knowing how to act").
 */
export const AUDIENCES = ['staff', 'partner-staff', 'community', 'schools', 'elected-members'] as const;

export const SessionFields = z
  .object({
    date: IsoDate,
    courseId: EntityId,
    provider: z.string().trim().min(1).max(200),
    audience: z.enum(AUDIENCES),
    attendees: z.number().int().min(0).max(100_000),
    feedbackRespondents: z.number().int().min(0).max(100_000).default(0),
    feedbackGoodOrExcellent: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(0)
      .describe('Respondents rating the session good or excellent on knowing how to act on a concern'),
    notes: z.string().trim().max(2000).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.feedbackRespondents > s.attendees) ctx.addIssue({ code: 'custom', path: ['feedbackRespondents'], message: 'More respondents than attendees.' });
    if (s.feedbackGoodOrExcellent > s.feedbackRespondents) ctx.addIssue({ code: 'custom', path: ['feedbackGoodOrExcellent'], message: 'More good/excellent ratings than respondents.' });
  });
export type SessionFields = z.infer<typeof SessionFields>;

export const Session = z
  .object({ id: z.string(), authorityId: EntityId })
  .extend(RecordMeta.shape)
  .and(SessionFields);
export type Session = z.infer<typeof Session>;

/** The seeds' measure: share of feedback respondents rating good or excellent (target 95%). */
export function feedbackShare(sessions: readonly Pick<SessionFields, 'feedbackRespondents' | 'feedbackGoodOrExcellent'>[]): number | null {
  const respondents = sessions.reduce((n, s) => n + s.feedbackRespondents, 0);
  if (respondents === 0) return null;
  return sessions.reduce((n, s) => n + s.feedbackGoodOrExcellent, 0) / respondents;
}
