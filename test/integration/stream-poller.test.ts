import { afterEach, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { localClient } from '../../infra/local/dynamodb';
import { startStreamPoller, type StreamsSend } from '../../infra/local/stream-poller';
import { useFreshTable } from '../support/table';

/**
 * The local stand-in for the stream's event-source mapping, against DynamoDB Local's real stream.
 * DynamoDB Local now and then refuses a shard iterator with TrimmedDataAccessException (it stopped
 * a CI run once); the refusal is injected here so the poller's recovery runs every time.
 */
const { endpoint, tableName } = useFreshTable({ stream: true });
let stop: (() => void) | undefined;
afterEach(() => stop?.());

const trimmed = () => new TrimmedDataAccessException({ message: 'The operation attempted to read past the oldest stream record in a shard.', $metadata: {} });

async function write(from: number, to: number) {
  const client = localClient(endpoint);
  try {
    for (let i = from; i < to; i++) await client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: 'POLLER' }, SK: { S: `ITEM#${String(i).padStart(3, '0')}` } } }));
  } finally {
    client.destroy();
  }
}

/** A poller whose GetRecords fails as `refuse(n)` says for its n-th call; collects the keys handed on. */
async function poller(refuse: (call: number) => boolean) {
  const seen: string[] = [];
  let calls = 0;
  let refusals = 0;
  const wrapSend = (send: StreamsSend): StreamsSend => async (command) => {
    if (command instanceof GetRecordsCommand && refuse(++calls)) {
      refusals++;
      throw trimmed();
    }
    return send(command);
  };
  const running = await startStreamPoller({
    endpoint,
    tableName,
    intervalMs: 3_600_000,
    wrapSend,
    consume: async (records: DynamoDBRecord[]) => {
      for (const r of records) seen.push(r.dynamodb!.Keys!.SK!.S!);
    },
  });
  stop = running.stop;
  return { running, seen, refusals: () => refusals };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `ITEM#${String(from + i).padStart(3, '0')}`);

describe('the local stream poller', () => {
  it('takes up again after the stream refuses its iterator, handing every record on exactly once', async () => {
    // Every other GetRecords is refused: the first read of the empty shard, and reads after records were handed on.
    const { running, seen, refusals } = await poller((call) => call % 2 === 1);
    await running.settle();
    await write(0, 5);
    await running.settle();
    await write(5, 12);
    await running.settle();
    await write(12, 13);
    await running.settle();

    expect(refusals()).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual(range(0, 13));
  });

  it('gives up, and says so, when the stream refuses over and over', async () => {
    const { running } = await poller(() => true);
    await expect(running.settle()).rejects.toBeInstanceOf(TrimmedDataAccessException);
  });
});
