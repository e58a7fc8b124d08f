import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import { runReminders } from '../../domain/reminders/job';
import { SesMailer } from '../mail/mailers';
import { reminderRepository } from '../data/sop-repositories';
import { deps } from '../shared/deps';
import { logger } from '../shared/logger';

/**
 * The daily reminder job (EventBridge schedule). Runs as if on the event's date; a retry of
 * the same event finds everything already queued and sends only what is still pending.
 */
export const handler = middy<ScheduledEvent, unknown>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const { table, clock, ids } = deps();
    const date = (event.time ?? clock.now().toISOString()).slice(0, 10);
    const result = await runReminders(
      {
        store: reminderRepository(table),
        mailer: new SesMailer(process.env.SENDER_EMAIL ?? ''),
        clock,
        ids,
        baseUrl: process.env.APP_BASE_URL ?? '',
      },
      date,
    );
    // Counts only: recipients and subjects would put personal data in the logs.
    logger.info('reminders run', { date, queued: result.queued.length, sent: result.sent.length, alreadyDone: result.alreadyDone });
    return { date, queued: result.queued.length, sent: result.sent.length, alreadyDone: result.alreadyDone };
  });
