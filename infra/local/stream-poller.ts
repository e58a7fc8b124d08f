import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { localClient } from './dynamodb';

/**
 * Stands in for the Lambda event-source mapping locally: reads the table's stream from DynamoDB
 * Local and hands each batch of records to the same function the stream consumer runs.
 * `settle()` waits until everything written so far has been consumed (tests, npm start).
 * `batchSize` hands what one pass read over in consume() calls of at most that many records,
 * as the event-source mapping does in AWS (its batch size); by default one call per pass.
 */
export async function startStreamPoller(options: {
  endpoint: string;
  tableName: string;
  consume: (records: DynamoDBRecord[]) => Promise<unknown>;
  intervalMs?: number;
  batchSize?: number;
}) {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: 'eu-west-2', credentials });
  const ddb = localClient(options.endpoint);
  const arn = (await ddb.send(new DescribeTableCommand({ TableName: options.tableName }))).Table?.LatestStreamArn;
  ddb.destroy();
  if (!arn) throw new Error(`Table ${options.tableName} has no stream`);
  const iterators = new Map<string, string | undefined>();
  let stopped = false;
  let failure: unknown;

  /** One pass over every shard; returns how many records it handed on. */
  async function poll(): Promise<number> {
    const description = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (!iterators.has(shard.ShardId!)) {
        const it = await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
        iterators.set(shard.ShardId!, it.ShardIterator);
      }
    }
    // Drain every shard first and hand everything on at once: the consumer then refreshes
    // each touched authority once, however many of its records changed.
    const records: unknown[] = [];
    for (const [shardId, first] of iterators) {
      let iterator = first;
      while (iterator) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        iterator = out.NextShardIterator;
        if (!out.Records?.length) break;
        records.push(...out.Records);
      }
      iterators.set(shardId, iterator);
    }
    const handled = records.length;
    const size = options.batchSize ?? Math.max(handled, 1);
    for (let i = 0; i < handled; i += size) await options.consume(records.slice(i, i + size) as DynamoDBRecord[]);
    return handled;
  }

  // Passes run one after another (a shard iterator must not be used twice).
  let chain: Promise<number> = Promise.resolve(0);
  const pollOnce = () => {
    chain = chain.then(poll, poll).catch((error) => {
      failure = error;
      return 0;
    });
    return chain;
  };
  const tick = async () => {
    if (stopped) return;
    await pollOnce();
    if (!stopped) setTimeout(tick, options.intervalMs ?? 200).unref();
  };
  void tick();

  return {
    /** Resolves once a full pass finds nothing new. */
    async settle(): Promise<void> {
      for (;;) {
        const handled = await pollOnce();
        if (failure) throw failure;
        if (handled === 0) return;
      }
    },
    stop() {
      stopped = true;
      streams.destroy();
    },
  };
}
