import { describe, expect, it } from 'vitest';
import { touched } from '../../functions/jobs/report-summaries';
import { keys } from '../../functions/data/keys';

/** A stream record as DynamoDB Streams delivers it (NEW_AND_OLD_IMAGES), with the few attributes the consumer reads. */
type Attrs = Record<string, string>;
const image = (a: Attrs) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { S: v }]));
const change = (newImage?: Attrs, oldImage?: Attrs) => ({ dynamodb: { ...(newImage ? { NewImage: image(newImage) } : {}), ...(oldImage ? { OldImage: image(oldImage) } : {}) } as never });

const T = 'tenant-one';
const training = (a: string) => keys.training.partition(T, a);
const completion = (a: string, n = 0): Attrs => ({ PK: training(a), SK: `CUR#S${n}#wrap`, entity: 'completion', authorityId: a });
const importRecord = (a: string, status: string): Attrs => ({ PK: training(a), SK: 'IMPORT#01J', entity: 'import', authorityId: a, status });
const plan = (a: string): Attrs => ({ PK: training(a), SK: 'PLAN', entity: 'training plan', authorityId: a });

describe('touched: what a stream batch makes the consumer refresh', () => {
  it('marks an authority touched by completions alone, so its refresh can wait for a running import job', () => {
    expect(touched([change(completion('a', 1)), change(completion('a', 2)), change(undefined, completion('a', 3))])).toEqual([{ tenantId: T, authorityId: 'a', onlyCompletions: true }]);
  });

  it('does not mark it when anything else touched the authority too, whichever came first', () => {
    expect(touched([change(completion('a')), change(plan('a'))])).toEqual([{ tenantId: T, authorityId: 'a', onlyCompletions: false }]);
    expect(touched([change(plan('a')), change(completion('a'))])).toEqual([{ tenantId: T, authorityId: 'a', onlyCompletions: false }]);
    expect(touched([change(completion('a')), change(plan('b'))])).toEqual([
      { tenantId: T, authorityId: 'a', onlyCompletions: true },
      { tenantId: T, authorityId: 'b', onlyCompletions: false },
    ]);
  });

  it("refreshes at an import job's end (completed or failed), not at its queued or running checkpoints", () => {
    for (const status of ['completed', 'failed']) {
      expect(touched([change(importRecord('a', status), importRecord('a', 'running'))]), status).toEqual([{ tenantId: T, authorityId: 'a', onlyCompletions: false }]);
      // The job's end in the same batch as its last completions: refreshed, not left to wait.
      expect(touched([change(completion('a')), change(importRecord('a', status))]), status).toEqual([{ tenantId: T, authorityId: 'a', onlyCompletions: false }]);
    }
    for (const status of ['queued', 'running']) expect(touched([change(importRecord('a', status))]), status).toEqual([]);
    // A finished record deleted (erasure, expiry) ends no job: only its NewImage counts.
    expect(touched([change(undefined, importRecord('a', 'completed'))])).toEqual([]);
    // The import lock (its lease, seq and job lease) changes no summary.
    expect(touched([change({ PK: training('a'), SK: 'IMPORT-LOCK', entity: 'import lock', jobLeaseUntil: '2999-01-01T00:00:00.000Z' })])).toEqual([]);
  });

  it('still refreshes the whole partnership for its settings and courses, covering single authorities', () => {
    const partnership = { ...keys.partnership(T), entity: 'partnership', id: T };
    expect(touched([change(completion('a')), change(partnership), change(importRecord('b', 'completed'))])).toEqual([{ tenantId: T }]);
  });
});
