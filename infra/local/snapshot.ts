import { BatchWriteItemCommand, type BatchWriteItemCommandOutput, ScanCommand, type AttributeValue, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoSeed } from './seed';

/**
 * The demo partnership as a snapshot: every item of the table once the seed and its summaries
 * are written, as JSON Lines (one DynamoDB item a line, in the wire format, so types such as
 * number sets survive exactly), after a header line with what `seedDemo` returned.
 *
 * Why a file of items rather than a prepared DynamoDB Local database file: it loads into the
 * in-memory database the start uses anyway (no copy of a SQLite file per run, no dependence on
 * DynamoDB Local's file layout or version), into any table name, and the same file lets a test
 * load the demo into its own fresh table in a fraction of a second.
 *
 * Why it is generated, not committed: the demo's records are relative to today (SOP reviews
 * due in 7 days, training that lapses, this reporting year's statements), and the summaries
 * are evaluated for the day they are written. So a snapshot is for one day and one seed: its
 * name carries the date, the number of schools and a hash of the code that writes the data
 * (domain/, functions/, the seed). The first start of a day (or after such a change) seeds
 * through the services as before and saves it; later starts load it with BatchWriteItem.
 * Kept in .local/snapshots/ (git-ignored); older ones are deleted when a new one is saved.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SNAPSHOT_DIR = `${ROOT}.local/snapshots`;
/** Bumped when the file format changes (2: binary values as base64, see toLine). */
const FORMAT = 2;

/**
 * One item as a line. JSON has no bytes: a binary value (`B`, e.g. a deflated report summary)
 * or binary set (`BS`) is written as base64 under a marker and read back as bytes; everything
 * else is the wire format as it is.
 */
const BYTES = '$base64';
export function toLine(item: Item): string {
  return JSON.stringify(item, (key, value: unknown) => {
    if ((key === 'B' && value instanceof Uint8Array) || (key === 'BS' && Array.isArray(value) && value.every((v) => v instanceof Uint8Array))) {
      const encode = (v: Uint8Array) => ({ [BYTES]: Buffer.from(v).toString('base64') });
      return key === 'B' ? encode(value as Uint8Array) : (value as Uint8Array[]).map(encode);
    }
    return value;
  });
}
export function fromLine(line: string): Item {
  return JSON.parse(line, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) && typeof (value as Record<string, unknown>)[BYTES] === 'string' && Object.keys(value).length === 1
      ? new Uint8Array(Buffer.from((value as Record<string, string>)[BYTES], 'base64'))
      : value,
  ) as Item;
}

export type Item = Record<string, AttributeValue>;

export interface SnapshotHeader {
  format: number;
  today: string;
  schools: number;
  seed: DemoSeed;
}

/** Every .ts file under these (relative to the repo) decides what the seed writes. */
const CODE_THAT_WRITES = ['domain', 'functions', 'infra/local/seed.ts', 'infra/local/seed-training.ts', 'infra/local/seed-sops.ts', 'infra/local/seed-assurance.ts', 'infra/local/seed-schools.ts', 'infra/local/snapshot.ts'];

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return [];
  if (!full.endsWith('.ts')) {
    return readdirSync(full, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
  }
  return [full];
}

/** A hash of the code that writes the demo's items: a change to any of it makes a new snapshot. */
export function codeHash(): string {
  const hash = createHash('sha256');
  for (const file of CODE_THAT_WRITES.flatMap(sourceFiles)) hash.update(path.relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/** The snapshot's file for this day, number of schools and code. */
export function snapshotFile(options: { today: string; schools: number; dir?: string }): string {
  return path.join(options.dir ?? SNAPSHOT_DIR, `demo-${options.today}-schools-${options.schools}-${codeHash()}.jsonl`);
}

export function readSnapshot(file: string): { header: SnapshotHeader; items: Item[] } | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(lines[0] ?? 'null') as SnapshotHeader | null;
  if (header?.format !== FORMAT) return undefined;
  return { header, items: lines.slice(1).map(fromLine) };
}

/**
 * Writes the snapshot whole or not at all (a temporary file renamed: two starts at once, or a
 * start stopped half-way, never leave half a snapshot), and deletes the older ones beside it.
 */
export function writeSnapshot(file: string, header: Omit<SnapshotHeader, 'format'>, items: readonly Item[]): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, [JSON.stringify({ format: FORMAT, ...header }), ...items.map(toLine)].join('\n') + '\n');
  renameSync(temporary, file);
  // Another day's, or another code's: never today's with another number of schools.
  const [, today, , hash] = /^demo-(\d{4}-\d\d-\d\d)-schools-(\d+)-(\w+)\.jsonl$/.exec(path.basename(file))!;
  for (const name of readdirSync(dir)) {
    const other = /^demo-(\d{4}-\d\d-\d\d)-schools-(\d+)-(\w+)\.jsonl$/.exec(name);
    if (other && (other[1] !== today || other[3] !== hash)) rmSync(path.join(dir, name), { force: true });
  }
}

/** Every item of the table (a parallel scan: DynamoDB Local answers segments side by side). */
export async function scanTable(client: DynamoDBClient, tableName: string, segments = 4): Promise<Item[]> {
  const parts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: tableName, Segment: segment, TotalSegments: segments, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    }),
  );
  return parts.flat();
}

/** BatchWriteItem's limit. */
const BATCH = 25;

/**
 * Puts every item with BatchWriteItem, `concurrency` batches in flight (more than 2 cores' worth
 * only queues inside DynamoDB Local), retrying what DynamoDB leaves unprocessed.
 */
export async function loadItems(client: DynamoDBClient, tableName: string, items: readonly Item[], concurrency = 6): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const batch = items.slice(next, (next += BATCH));
        let requests: WriteRequest[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests?.length; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
          if (attempt > 10) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed after ${attempt} attempts`);
          const out: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }));
          requests = out.UnprocessedItems?.[tableName];
        }
      }
    }),
  );
}

/**
 * Whoever holds this directory is generating the snapshot; others wait for the file. mkdir is
 * atomic, and the holder's pid inside lets a waiter take over from one that died.
 */
async function withGenerationLock<T>(file: string, generate: () => Promise<T>, load: () => Promise<T | undefined>): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(file), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(`${lock}/pid`, String(process.pid));
      try {
        return (await load()) ?? (await generate());
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Another process is generating it: wait for its snapshot, or for the lock to go.
    const loaded = await load();
    if (loaded) return loaded;
    if (!holderAlive(lock)) rmSync(lock, { recursive: true, force: true });
    await new Promise((r) => setTimeout(r, 100));
  }
}

function holderAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(`${lock}/pid`, 'utf8'));
    if (!pid) return true; // just created, pid not yet written
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' || (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

export interface DemoLoaded {
  seed: DemoSeed;
  /** 'snapshot': loaded from the file; 'seed': seeded through the services, and the snapshot saved. */
  from: 'snapshot' | 'seed';
  file: string;
  items: number;
}

/**
 * The demo partnership (with `schools` schools) in a new, empty table, with its report
 * summaries: loaded from today's snapshot, or, if there is none yet, seeded through the services
 * (seedDemo), its summaries built with the consumer's own refresh, and the table saved as the
 * snapshot. DYNAMODB_ENDPOINT and TABLE_NAME must point at that table (the seed reads them).
 */
export async function loadDemo(options: { schools?: number; dir?: string } = {}): Promise<DemoLoaded> {
  const [{ seedDemo }, { systemDeps }, { reportRepository }, { toIsoDate }, { localClient }] = await Promise.all([
    import('./seed'),
    import('../../functions/shared/deps'),
    import('../../functions/data/report-repository'),
    import('../../domain/shared/dates'),
    import('./dynamodb'),
  ]);
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const tableName = process.env.TABLE_NAME;
  if (!endpoint || !tableName) throw new Error('loadDemo: set DYNAMODB_ENDPOINT (a DynamoDB Local) and TABLE_NAME');
  const schools = options.schools ?? 0;
  const d = systemDeps();
  const today = toIsoDate(d.clock.now());
  const file = snapshotFile({ today, schools, dir: options.dir });
  const client = localClient(endpoint);
  try {
    const load = async (): Promise<DemoLoaded | undefined> => {
      const snapshot = readSnapshot(file);
      if (!snapshot) return undefined;
      await loadItems(client, tableName, snapshot.items);
      return { seed: snapshot.header.seed, from: 'snapshot', file, items: snapshot.items.length };
    };
    const generate = async (): Promise<DemoLoaded> => {
      const seed = await seedDemo({ schools });
      // The summaries the stream consumer would write, every authority at once, each partnership's data read once.
      const reports = reportRepository(d.table);
      for (const tenantId of [seed.tenantId]) {
        const shared = new Map();
        await Promise.all((await d.authorities.list(tenantId)).map((a) => reports.refresh(tenantId, a.id, shared)));
      }
      const items = await scanTable(client, tableName);
      writeSnapshot(file, { today, schools, seed }, items);
      return { seed, from: 'seed', file, items: items.length };
    };
    return await withGenerationLock(file, generate, load);
  } finally {
    client.destroy();
  }
}
