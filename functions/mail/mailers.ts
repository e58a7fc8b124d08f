import { mkdirSync, writeFileSync } from 'node:fs';
import { traced } from '../shared/tracer';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, QueuedReminder } from '../../domain/reminders/job';

/** Email through Amazon SES (v2), plain text and HTML, from the one verified sending identity. */
export class SesMailer implements Mailer {
  constructor(
    private readonly from: string,
    // Well within the reminder job's claim lease (CLAIM_LEASE_MS), so that a hung send cannot
    // outlive the claim and let another run send the same message.
    private readonly client: Pick<SESv2Client, 'send'> = traced(new SESv2Client({ maxAttempts: 3, requestHandler: { requestTimeout: 20_000, connectionTimeout: 5_000 } })),
  ) {}

  async send(reminder: QueuedReminder): Promise<void> {
    const m = reminder.message;
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: m.to, CcAddresses: m.cc },
        Content: {
          Simple: {
            Subject: { Data: m.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: m.text, Charset: 'UTF-8' }, Html: { Data: m.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

/** RFC 2047: a header with non-ASCII characters travels base64-encoded as UTF-8. */
function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/**
 * Locally, an outbox: one .eml file per message (plain text and HTML alternatives), in a
 * git-ignored folder, so a message can be read or opened in any mail client.
 */
export class FileOutbox implements Mailer {
  readonly written: string[] = [];
  constructor(
    private readonly folder: string,
    private readonly from = 'prevent-reminders@localhost',
  ) {}

  async send(reminder: QueuedReminder): Promise<void> {
    const m = reminder.message;
    const dir = join(this.folder, reminder.runDate);
    mkdirSync(dir, { recursive: true });
    const boundary = `b-${reminder.id.replace(/[^A-Za-z0-9]/g, '')}`;
    const eml = [
      `From: ${this.from}`,
      `To: ${m.to.join(', ')}`,
      ...(m.cc.length ? [`Cc: ${m.cc.join(', ')}`] : []),
      `Subject: ${encodeHeader(m.subject)}`,
      `X-Prevent-Reminder: ${reminder.tenantId} ${reminder.id}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.text,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      m.html,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const file = join(dir, `${reminder.tenantId}__${reminder.id.replace(/[^A-Za-z0-9_-]/g, '_')}.eml`);
    writeFileSync(file, eml);
    this.written.push(file);
  }
}
