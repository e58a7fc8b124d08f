// Before anything loads the AWS SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDate, toIsoDate } from '../../domain/shared/dates';

/**
 * `npm run reminders -- [--date YYYY-MM-DD] [--endpoint http://127.0.0.1:PORT] [--app-url http://localhost:PORT]`
 *
 * Runs the daily reminder job once, as if on that date (default today), delivering into the
 * local outbox `.local/outbox/<date>/` (one .eml file per message). With --endpoint it uses
 * the DynamoDB Local of a running `npm start` (which prints this command with its own ports);
 * without, it starts its own with the demo partnership seeded, runs, and stops. Links in the
 * messages open the web app's pages at --app-url (default APP_BASE_URL, else the port
 * `npm start` uses: PORT or 3000).
 */
const OUTBOX = fileURLToPath(new URL('../../.local/outbox/', import.meta.url));

async function main() {
  const { values } = parseArgs({ options: { date: { type: 'string' }, endpoint: { type: 'string' }, table: { type: 'string' }, 'app-url': { type: 'string' } } });
  const date = values.date ? parseDate(values.date) : toIsoDate(new Date());
  if (!date) {
    console.error(`Not a date: ${values.date} (use YYYY-MM-DD)`);
    process.exit(2);
  }
  const { startDynamoLocal, ensureTable } = await import('./dynamodb');
  const own = values.endpoint ? undefined : await startDynamoLocal();
  const stop = async () => own?.stop();
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    process.env.DYNAMODB_ENDPOINT = values.endpoint ?? own!.endpoint;
    process.env.TABLE_NAME = values.table ?? process.env.TABLE_NAME ?? 'prevent-compliance';
    if (own) {
      await ensureTable(own.endpoint, process.env.TABLE_NAME);
      const { seedDemo } = await import('./seed');
      console.log('Seeded the demo partnership on a fresh DynamoDB Local (pass --endpoint to use a running npm start).');
      await seedDemo();
    }
    const { runReminders } = await import('../../domain/reminders/job');
    const { reminderJobDeps } = await import('../../functions/jobs/reminders');
    const { FileOutbox } = await import('../../functions/mail/mailers');
    const outbox = new FileOutbox(OUTBOX);
    const appBaseUrl = values['app-url'] ?? process.env.APP_BASE_URL ?? `http://localhost:${process.env.PORT || 3000}`;
    const result = await runReminders(reminderJobDeps(outbox, appBaseUrl), date);
    console.log(
      `\nReminder job for ${date} (reminder dates ${result.from} to ${date}): ${result.queued.length} queued, ${result.sent.length} sent, ${result.alreadyDone} already done${result.completed ? '' : '; incomplete, the next run comes back to it'}.\n`,
    );
    for (const r of result.sent) {
      console.log(`  ${r.stage.padEnd(11)} ${r.message.subject}`);
      console.log(`              to ${r.message.to.join(', ')}${r.message.cc.length ? `; cc ${r.message.cc.join(', ')}` : ''}`);
    }
    if (outbox.written.length) console.log(`\nMessages are in ${OUTBOX}${date}/ (one .eml file each).`);
  } finally {
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
