import { describe, expect, it } from 'vitest';
import { firstReminderOn, nextReminderAfter, renderReminder, stageKey, stageOn, type DueItem } from '../../domain/reminders/due';
import { runWindow } from '../../domain/reminders/job';
import { nextDueOf } from '../../domain/sop/sop';

const T = [60, 30, 7, 0];

describe('reminder schedule', () => {
  it('starts at the next threshold date still ahead', () => {
    expect(firstReminderOn('2026-03-31', T, '2026-01-01')).toBe('2026-01-30'); // 60 days before
    expect(firstReminderOn('2026-03-31', T, '2026-02-01')).toBe('2026-03-01'); // 30 days before
    expect(firstReminderOn('2026-03-31', T, '2026-03-30')).toBe('2026-03-31'); // on the day
    expect(firstReminderOn('2026-03-31', T, '2026-03-31')).toBe('2026-03-31');
  });

  it('reminds at once when an item is already overdue, then weekly from the due date', () => {
    expect(firstReminderOn('2026-03-01', T, '2026-03-09')).toBe('2026-03-09');
    expect(nextReminderAfter('2026-03-01', T, '2026-03-09')).toBe('2026-03-15');
    expect(nextReminderAfter('2026-03-01', T, '2026-03-15')).toBe('2026-03-22');
  });

  it('walks the thresholds in order, then the due date, then weekly', () => {
    const seen = [];
    let date = firstReminderOn('2026-03-31', T, '2026-01-01');
    for (let i = 0; i < 7; i++) {
      seen.push(date);
      date = nextReminderAfter('2026-03-31', T, date);
    }
    expect(seen).toEqual(['2026-01-30', '2026-03-01', '2026-03-24', '2026-03-31', '2026-04-07', '2026-04-14', '2026-04-21']);
  });

  it('names each stage once', () => {
    expect(stageKey(stageOn('2026-03-31', '2026-03-01'))).toBe('before-30');
    expect(stageKey(stageOn('2026-03-31', '2026-03-31'))).toBe('due-today');
    expect(stageKey(stageOn('2026-03-31', '2026-04-07'))).toBe('overdue-7');
  });

  it('derives the next due date of an obligation from its cadence', () => {
    expect(nextDueOf('annual', '2025-10-01')).toBe('2026-10-01');
    expect(nextDueOf('quarterly', '2025-11-30')).toBe('2026-02-28');
    expect(nextDueOf('each-steering-group-meeting', '2025-01-15')).toBe('2025-04-15');
  });
});

describe('reminder message', () => {
  const item: DueItem = {
    tenantId: 't', kind: 'sop-review', itemId: 'opcc', authorityId: 'opcc', authorityName: 'OPCC <Demoshire>',
    title: 'Annual review of "Prevent SOM"', dueOn: '2026-03-31', path: '/authorities/opcc/sop',
    to: [{ email: 'lead@example.org', name: 'Sam Lead' }], ccWhenOverdue: ['psg@example.org'], thresholds: T, nextRemindOn: '2026-03-01',
  };
  it('goes to the lead before the due date, with plain text, HTML and a link', () => {
    const m = renderReminder(item, stageOn(item.dueOn, '2026-03-01'), 'https://app.example.org/');
    expect(m.to).toEqual(['lead@example.org']);
    expect(m.cc).toEqual([]);
    expect(m.subject).toBe('Reminder: Annual review of "Prevent SOM" — OPCC <Demoshire>');
    expect(m.text).toContain('due in 30 days, on 31 March 2026');
    // The web app's page for the record, not its JSON route on the same origin.
    expect(m.text).toContain('Open the record: https://app.example.org/app/authorities/opcc/sop\n');
    expect(m.html).toContain('OPCC &lt;Demoshire&gt;');
    expect(m.html).toContain('<a href="https://app.example.org/app/authorities/opcc/sop">');
  });
  it('copies the steering group once overdue', () => {
    const m = renderReminder(item, stageOn(item.dueOn, '2026-04-08'), 'https://app.example.org');
    expect(m.cc).toEqual(['psg@example.org']);
    expect(m.subject).toMatch(/^Overdue: /);
    expect(m.text).toContain('overdue by 8 days');
  });
});

describe('the run window', () => {
  it('runs from the watermark (its own date included) to the run date, however long ago', () => {
    expect(runWindow('2026-12-01', '2026-11-23')).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01']);
    expect(runWindow('2026-12-01', '2025-12-01')).toHaveLength(366);
  });
  it('looks only at its own date when re-run for a date already completed', () => {
    expect(runWindow('2026-11-20', '2026-11-23')).toEqual(['2026-11-20']);
    expect(runWindow('2026-11-23', '2026-11-23')).toEqual(['2026-11-23']);
  });
  it('looks back a fixed number of days on the first run', () => {
    const first = runWindow('2026-12-01', undefined, 31);
    expect(first).toHaveLength(31);
    expect(first[0]).toBe('2026-11-01');
  });
});
