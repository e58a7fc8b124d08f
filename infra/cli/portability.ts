import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { GetItemCommand, ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isTenantId } from '../../domain/shared/ids';
import { KEY_DELIMITER, keys, tenantKeyPrefix } from '../../functions/data/keys';
import { TABLE } from '../../functions/data/table';
import { fromLine, loadItems, toLine, type Item } from '../local/snapshot';

/**
 * Data portability: one partnership's items and documents as a JSON Lines archive, and back
 * (`npm run partnership -- export|import`, docs/export-format.md). Councils leaving or auditing
 * the service ask for this; it is also the disaster-recovery drill.
 *
 * What belongs to a partnership: every item whose partition key begins with `<tenantId>#`
 * (keys.ts: every partnership item's does, and no other partnership's can) and every object
 * under `<tenantId>/` in the documents bucket. The person-level identity choice
 * (`IDENTITY#<sub>`) and the reminder job's watermark belong to no partnership and stay out.
 *
 * Why a Scan: a partnership's partitions cannot be enumerated by Query (one partition per
 * authority, per audit index, …, and no index lists them), so the export reads the whole table
 * with a `begins_with(PK, :tenant)` filter. A Scan is billed for every item it reads, filtered
 * or not: an export costs one read of the whole table (strongly consistent, 1 RRU per 4 KB: a 1 GB
 * table is about 262,000 RRU, a few US cents on demand). Fine for an operator's occasional
 * command, never for a request path.
 */
export const EXPORT_FORMAT = 'prevent-compliance/partnership-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  formatVersion: number;
  partnershipId: string;
  exportedAt: string;
  /** Number of item lines that follow. */
  itemCount: number;
  /** Items per kind: the partition key's first segment after the tenant (AUTHORITY, AUDIT, …). */
  counts: Record<string, number>;
  documentCount: number;
  documentBytes: number;
}

export interface ItemLine {
  kind: 'item';
  /** The item in DynamoDB's wire format (binary values as {"$base64": …}). */
  item: Item;
}

export interface DocumentLine {
  kind: 'document';
  key: string;
  contentType: string;
  size: number;
  sha256: string;
  base64: string;
}

export interface Stores {
  dynamo: DynamoDBClient;
  tableName: string;
  s3: S3Client;
  bucket: string;
}

export class PortabilityError extends Error {
  override name = 'PortabilityError';
}

const kindOf = (tenantId: string, pk: string) => pk.slice(tenantKeyPrefix(tenantId).length).split(KEY_DELIMITER)[0] || '(none)';

/** Every item of the partnership: a parallel Scan filtered on the tenant's key prefix (see above for the cost). */
export async function partnershipItems(dynamo: DynamoDBClient, tableName: string, tenantId: string, options: { segments?: number; firstOnly?: boolean } = {}): Promise<Item[]> {
  const segments = options.segments ?? 4;
  const found: Item[] = [];
  let stop = false;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
            FilterExpression: 'begins_with(#pk, :tenant)',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
            ExpressionAttributeValues: { ':tenant': { S: tenantKeyPrefix(tenantId) } },
            ConsistentRead: true,
          }),
        );
        found.push(...(page.Items ?? []));
        if (options.firstOnly && found.length) stop = true;
        start = page.LastEvaluatedKey;
      } while (start && !stop);
    }),
  );
  return found;
}

async function documentKeys(s3: S3Client, bucket: string, tenantId: string): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${tenantId}/`, ContinuationToken: token }));
    found.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found.sort();
}

async function write(out: WriteStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/**
 * Writes the archive to `file`: the header (with the counts, so a reader can tell a truncated
 * archive), the items sorted by key (two exports of unchanged data are the same but for
 * `exportedAt`), then the documents one at a time (the items are held in memory; documents are not).
 */
export async function exportPartnership(stores: Stores, tenantId: string, file: string, now = new Date()): Promise<ExportHeader> {
  if (!isTenantId(tenantId)) throw new PortabilityError(`"${tenantId}" is not a partnership id`);
  const items = await partnershipItems(stores.dynamo, stores.tableName, tenantId);
  if (!items.some((i) => i[TABLE.partitionKey]?.S === keys.partnership(tenantId).PK)) throw new PortabilityError(`No partnership "${tenantId}" in table ${stores.tableName}`);
  const sortKey = (i: Item) => `${i[TABLE.partitionKey]?.S}\u0000${i[TABLE.sortKey]?.S}`;
  items.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const documents = await documentKeys(stores.s3, stores.bucket, tenantId);
  const counts: Record<string, number> = {};
  for (const item of items) {
    const kind = kindOf(tenantId, item[TABLE.partitionKey]!.S!);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  const bodies = new Map<string, { body: Buffer; contentType: string }>();
  let documentBytes = 0;
  // Read before the header is written: the header states the bytes, and a document that vanished
  // between the listing and the read fails the export rather than leaving a wrong count.
  for (const key of documents) {
    const object = await stores.s3.send(new GetObjectCommand({ Bucket: stores.bucket, Key: key }));
    const body = Buffer.from(await object.Body!.transformToByteArray());
    bodies.set(key, { body, contentType: object.ContentType ?? 'application/octet-stream' });
    documentBytes += body.length;
  }
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    partnershipId: tenantId,
    exportedAt: now.toISOString(),
    itemCount: items.length,
    counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))),
    documentCount: documents.length,
    documentBytes,
  };
  const out = createWriteStream(file, { encoding: 'utf8', mode: 0o600 });
  try {
    await write(out, JSON.stringify(header));
    for (const item of items) await write(out, `{"kind":"item","item":${toLine(item)}}`);
    for (const [key, { body, contentType }] of bodies) {
      const line: DocumentLine = { kind: 'document', key, contentType, size: body.length, sha256: createHash('sha256').update(body).digest('hex'), base64: body.toString('base64') };
      await write(out, JSON.stringify(line));
    }
  } finally {
    out.end();
    await once(out, 'finish');
  }
  return header;
}

export interface ImportSummary {
  header: ExportHeader;
  items: number;
  documents: number;
}

/** Reads and checks a whole archive before anything is written: format, counts, keys, hashes. */
export async function readArchive(file: string): Promise<{ header: ExportHeader; items: Item[]; documents: DocumentLine[] }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: ExportHeader | undefined;
  const items: Item[] = [];
  const documents: DocumentLine[] = [];
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line === '') continue;
    if (!header) {
      let h: Partial<ExportHeader>;
      try {
        h = JSON.parse(line) as Partial<ExportHeader>;
      } catch {
        throw new PortabilityError(`${file} is not a partnership export (line 1 is not JSON)`);
      }
      if (h.format !== EXPORT_FORMAT) throw new PortabilityError(`${file} is not a partnership export (line 1 has no "format": "${EXPORT_FORMAT}")`);
      if (h.formatVersion !== EXPORT_FORMAT_VERSION) throw new PortabilityError(`${file} is format version ${h.formatVersion}; this version reads ${EXPORT_FORMAT_VERSION}`);
      if (!isTenantId(h.partnershipId)) throw new PortabilityError(`${file}: the header names no valid partnership id`);
      header = h as ExportHeader;
      continue;
    }
    // Any JSON object per line is read, not only this writer's spelling of it; the $base64 codec
    // of item values applies to the whole line (document lines carry no such object).
    let parsed: { kind?: unknown; item?: Item } & Partial<Omit<DocumentLine, 'kind'>>;
    try {
      parsed = fromLine(line) as typeof parsed;
    } catch {
      throw new PortabilityError(`line ${n}: not JSON`);
    }
    if (parsed.kind === 'item') {
      const item = parsed.item ?? {};
      const pk = item[TABLE.partitionKey]?.S;
      // An archive is data, not authority: nothing in it may land outside the partnership it names.
      if (!pk?.startsWith(tenantKeyPrefix(header.partnershipId))) throw new PortabilityError(`line ${n}: an item outside partnership ${header.partnershipId}`);
      items.push(item);
    } else if (parsed.kind === 'document') {
      const doc = parsed as unknown as DocumentLine;
      if (typeof doc.base64 !== 'string' || typeof doc.key !== 'string' || !doc.key.startsWith(`${header.partnershipId}/`)) throw new PortabilityError(`line ${n}: a document outside ${header.partnershipId}/`);
      const body = Buffer.from(doc.base64, 'base64');
      if (body.length !== doc.size || createHash('sha256').update(body).digest('hex') !== doc.sha256) throw new PortabilityError(`line ${n}: document ${doc.key} does not match its size or sha256`);
      documents.push(doc);
    } else {
      throw new PortabilityError(`line ${n}: neither an item nor a document`);
    }
  }
  if (!header) throw new PortabilityError(`${file} is empty`);
  if (items.length !== header.itemCount || documents.length !== header.documentCount) {
    throw new PortabilityError(`${file} is incomplete: ${items.length} of ${header.itemCount} items and ${documents.length} of ${header.documentCount} documents`);
  }
  return { header, items, documents };
}

/**
 * Restores an archive into a table where the partnership has no items (refused otherwise: an
 * import never merges into live data). Documents first, then the items with BatchWriteItem, the
 * partnership's own record last: an import that dies half-way leaves no partnership record, and
 * `resume` lets the same archive be imported again over such a remnant (puts of the same items
 * are idempotent), never over a partnership that exists.
 */
export async function importPartnership(stores: Stores, file: string, options: { resume?: boolean } = {}): Promise<ImportSummary> {
  const { header, items, documents } = await readArchive(file);
  const tenantId = header.partnershipId;
  const record = keys.partnership(tenantId);
  const existing = await stores.dynamo.send(new GetItemCommand({ TableName: stores.tableName, Key: { PK: { S: record.PK }, SK: { S: record.SK } }, ConsistentRead: true }));
  if (existing.Item) throw new PortabilityError(`Partnership "${tenantId}" already exists in table ${stores.tableName}: an import only restores into a table without it.`);
  if (!options.resume && (await partnershipItems(stores.dynamo, stores.tableName, tenantId, { firstOnly: true })).length) {
    throw new PortabilityError(`Table ${stores.tableName} already holds items of "${tenantId}" (an import that stopped half-way?): run again with --resume to finish it.`);
  }
  for (const doc of documents) {
    await stores.s3.send(new PutObjectCommand({ Bucket: stores.bucket, Key: doc.key, Body: Buffer.from(doc.base64, 'base64'), ContentType: doc.contentType }));
  }
  const isRecord = (i: Item) => i[TABLE.partitionKey]?.S === record.PK && i[TABLE.sortKey]?.S === record.SK;
  await loadItems(stores.dynamo, stores.tableName, items.filter((i) => !isRecord(i)));
  await loadItems(stores.dynamo, stores.tableName, items.filter(isRecord));
  return { header, items: items.length, documents: documents.length };
}
