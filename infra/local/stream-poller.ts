import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type GetRecordsCommandOutput,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { localClient } from './dynamodb';

/**
 * Stands in for the Lambda event-source mapping locally: reads the table's stream from DynamoDB
 * Local and hands each batch of records to the same function the stream consumer runs.
 * `settle()` waits until everything written so far has been consumed (tests, npm start).
 * `batchSize` hands what one pass read over in consume() calls of at most that many records,
 * as the event-source mapping does in AWS (its batch size); by default one call per pass.
 *
 * A shard iterator that the stream refuses (trimmed past, expired) is derived again from the
 * last record this poller handed on, as the event-source mapping resumes from its checkpoint:
 * DynamoDB Local now and then answers TrimmedDataAccessException to an iterator taken from a
 * shard that was still empty (aws/aws-sdk-java#2923), and without this one refusal stopped the
 * consumer for good. Nothing is skipped and nothing handed on twice.
 */
export async function startStreamPoller(options: {
  endpoint: string;
  tableName: string;
  consume: (records: DynamoDBRecord[]) => Promise<unknown>;
  intervalMs?: number;
  batchSize?: number;
  /** Wraps the streams client's send (tests inject faults with it). */
  wrapSend?: (send: StreamsSend) => StreamsSend;
}) {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: 'eu-west-2', credentials });
  const plainSend: StreamsSend = (command) => streams.send(command as never);
  const send = options.wrapSend ? options.wrapSend(plainSend) : plainSend;
  const ddb = localClient(options.endpoint);
  const arn = (await ddb.send(new DescribeTableCommand({ TableName: options.tableName }))).Table?.LatestStreamArn;
  ddb.destroy();
  if (!arn) throw new Error(`Table ${options.tableName} has no stream`);
  /** Per shard: the iterator to read next, and the sequence number of the last record handed on. */
  const shards = new Map<string, { iterator: string | undefined; lastSequence?: string }>();
  let stopped = false;
  let failure: unknown;

  const iteratorFor = async (shardId: string, lastSequence: string | undefined) => {
    const from: GetShardIteratorCommandInput = lastSequence
      ? { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: lastSequence }
      : { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' };
    return ((await send(new GetShardIteratorCommand(from))) as { ShardIterator?: string }).ShardIterator;
  };

  /** One pass over every shard; returns how many records it handed on. */
  async function poll(): Promise<number> {
    const description = (await send(new DescribeStreamCommand({ StreamArn: arn }))) as { StreamDescription?: { Shards?: { ShardId?: string }[] } };
    for (const shard of description.StreamDescription?.Shards ?? []) {
      if (!shards.has(shard.ShardId!)) shards.set(shard.ShardId!, { iterator: await iteratorFor(shard.ShardId!, undefined) });
    }
    // Drain every shard first and hand everything on at once: the consumer then refreshes
    // each touched authority once, however many of its records changed.
    const records: NonNullable<GetRecordsCommandOutput['Records']> = [];
    for (const [shardId, state] of shards) {
      let refusals = 0;
      while (state.iterator) {
        let out: GetRecordsCommandOutput;
        try {
          out = (await send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }))) as GetRecordsCommandOutput;
        } catch (error) {
          if (!(error instanceof TrimmedDataAccessException || error instanceof ExpiredIteratorException) || ++refusals > 3) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50 * refusals));
          state.iterator = await iteratorFor(shardId, state.lastSequence);
          continue;
        }
        state.iterator = out.NextShardIterator;
        if (!out.Records?.length) break;
        records.push(...out.Records);
        state.lastSequence = out.Records.at(-1)!.dynamodb?.SequenceNumber ?? state.lastSequence;
      }
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

/** The streams client's send, as the poller uses it. */
export type StreamsSend = (command: DescribeStreamCommand | GetShardIteratorCommand | GetRecordsCommand) => Promise<unknown>;
