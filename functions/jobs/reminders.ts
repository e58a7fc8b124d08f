import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import { repairDueItems } from '../../domain/reminders/due';
import { runReminders, type Mailer } from '../../domain/reminders/job';
import { SesMailer } from '../mail/mailers';
import { reminderRepository } from '../data/sop-repositories';
import { systemDeps } from '../shared/deps';
import { logger } from '../shared/logger';
import { BUSINESS_METRICS, count, publishMetrics } from '../shared/metrics';
import { tracer } from '../shared/tracer';

/** The job's adapters: the same for the Lambda, `npm run reminders` and the tests. */
export function reminderJobDeps(mailer: Mailer, appBaseUrl: string) {
  const { table, clock, ids, dueItems, authorities, partnerships } = systemDeps();
  return {
    store: reminderRepository(table),
    mailer,
    clock,
    ids,
    appBaseUrl,
    repair: { repairAll: () => repairDueItems({ due: dueItems, authorities, partnerships, clock, ids }) },
  };
}

/**
 * The daily reminder job (EventBridge schedule). Runs as if on the event's date, over every
 * reminder date since its last completed run; a retry of the same event finds everything
 * already queued and delivers only what is still pending, each message once.
 */
export const handler = middy<ScheduledEvent, unknown>()
  .use(captureLambdaHandler(tracer, { captureResponse: false }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishMetrics())
  .handler(async (event) => {
    const date = (event.time ?? systemDeps().clock.now().toISOString()).slice(0, 10);
    let result;
    try {
      result = await runReminders(reminderJobDeps(new SesMailer(process.env.SENDER_EMAIL ?? ''), process.env.APP_BASE_URL ?? ''), date);
    } catch (error) {
      // The run stopped (a send failed, the table refused): Lambda retries it; an alarm watches this.
      count(BUSINESS_METRICS.remindersFailed);
      throw error;
    }
    count(BUSINESS_METRICS.remindersSent, result.sent.length);
    // Counts only: recipients and subjects would put personal data in the logs.
    const counts = { date, from: result.from, completed: result.completed, queued: result.queued.length, sent: result.sent.length, alreadyDone: result.alreadyDone };
    logger.info('reminders run', counts);
    return counts;
  });
