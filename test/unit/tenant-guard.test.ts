import { describe, expect, it } from 'vitest';
import { tenantViolation } from '../../functions/data/tenant-guard';

const T = 'north-shire';
const TABLE = 'prevent';
const mine = { PK: { S: 'north-shire#AUTHORITY' }, SK: { S: 'AUTHORITY#a1' } };
const theirs = { PK: { S: 'south-shire#AUTHORITY' }, SK: { S: 'AUTHORITY#a1' } };
// A tenant id that merely starts with ours: the delimiter keeps it out.
const lookalike = { PK: { S: 'north-shire-2#AUTHORITY' }, SK: { S: 'AUTHORITY#a1' } };
const job = { PK: { S: 'JOB#REMINDERS' }, SK: { S: 'WATERMARK' } };
const check = (operation: string, body: Record<string, unknown>) => tenantViolation(T, TABLE, operation, body);

describe('tenant guard: single-item operations', () => {
  it.each(['GetItem', 'DeleteItem', 'UpdateItem'])('%s: Key inside the prefix passes, outside is refused', (op) => {
    expect(check(op, { TableName: TABLE, Key: mine })).toBeUndefined();
    expect(check(op, { TableName: TABLE, Key: theirs })).toMatch(/outside north-shire#/);
    expect(check(op, { TableName: TABLE, Key: lookalike })).toMatch(/outside/);
    expect(check(op, { TableName: TABLE, Key: job })).toMatch(/outside/);
    expect(check(op, { TableName: TABLE })).toMatch(/no string partition key/);
  });

  it('PutItem checks the Item', () => {
    expect(check('PutItem', { TableName: TABLE, Item: { ...mine, GSI3PK: { S: 'DUE#2026-01-01' } } })).toBeUndefined();
    expect(check('PutItem', { TableName: TABLE, Item: theirs })).toMatch(/Item partition key/);
    expect(check('PutItem', { TableName: TABLE, Item: { PK: { N: '1' }, SK: { S: 'x' } } })).toMatch(/no string/);
  });

  it('says which partnership a refused key belongs to, never the rest of the key (it can hold an email)', () => {
    const problem = check('GetItem', { TableName: TABLE, Key: { PK: { S: 'south-shire#USER#EMAIL#pat%40council.example' }, SK: { S: 'x' } } });
    expect(problem).toContain('"south-shire#…"');
    expect(problem).not.toMatch(/pat|council|EMAIL/);
  });

  it('another table is refused', () => {
    expect(check('GetItem', { TableName: 'other', Key: mine })).toMatch(/not the tenant table/);
  });
});

describe('tenant guard: batches and transactions, every item', () => {
  it('BatchGetItem', () => {
    expect(check('BatchGetItem', { RequestItems: { [TABLE]: { Keys: [mine, mine] } } })).toBeUndefined();
    expect(check('BatchGetItem', { RequestItems: { [TABLE]: { Keys: [mine, theirs] } } })).toMatch(/RequestItems\[1\]/);
    expect(check('BatchGetItem', { RequestItems: {} })).toMatch(/without/);
  });

  it('BatchWriteItem: puts and deletes', () => {
    const ok = [{ PutRequest: { Item: mine } }, { DeleteRequest: { Key: mine } }];
    expect(check('BatchWriteItem', { RequestItems: { [TABLE]: ok } })).toBeUndefined();
    expect(check('BatchWriteItem', { RequestItems: { [TABLE]: [...ok, { DeleteRequest: { Key: theirs } }] } })).toMatch(/DeleteRequest/);
    expect(check('BatchWriteItem', { RequestItems: { [TABLE]: [{ PutRequest: { Item: theirs } }] } })).toMatch(/PutRequest/);
    expect(check('BatchWriteItem', { RequestItems: { other: ok } })).toMatch(/not the tenant table/);
  });

  it('TransactWriteItems: Put, Update, Delete and ConditionCheck', () => {
    const ok = [
      { Put: { TableName: TABLE, Item: mine } },
      { Update: { TableName: TABLE, Key: mine, UpdateExpression: 'SET a = :a' } },
      { Delete: { TableName: TABLE, Key: mine } },
      { ConditionCheck: { TableName: TABLE, Key: mine, ConditionExpression: 'attribute_exists(PK)' } },
    ];
    expect(check('TransactWriteItems', { TransactItems: ok })).toBeUndefined();
    for (const kind of ['Put', 'Update', 'Delete', 'ConditionCheck']) {
      const bad = { [kind]: { TableName: TABLE, ...(kind === 'Put' ? { Item: theirs } : { Key: theirs }) } };
      expect(check('TransactWriteItems', { TransactItems: [...ok, bad] })).toMatch(new RegExp(`TransactItems\\[4\\]\\.${kind}`));
    }
  });

  it('TransactGetItems', () => {
    expect(check('TransactGetItems', { TransactItems: [{ Get: { TableName: TABLE, Key: mine } }] })).toBeUndefined();
    expect(check('TransactGetItems', { TransactItems: [{ Get: { TableName: TABLE, Key: mine } }, { Get: { TableName: TABLE, Key: theirs } }] })).toMatch(/outside/);
  });
});

describe('tenant guard: queries and indexes', () => {
  const query = (pk: string, extra: Record<string, unknown> = {}) => ({
    TableName: TABLE,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
    ExpressionAttributeNames: { '#pk': 'PK', '#sk': 'SK' },
    ExpressionAttributeValues: { ':pk': { S: pk }, ':sk': { S: 'AUTHORITY#' } },
    ...extra,
  });

  it('the partition key value is resolved through names and values', () => {
    expect(check('Query', query('north-shire#AUTHORITY'))).toBeUndefined();
    expect(check('Query', query('south-shire#AUTHORITY'))).toMatch(/outside/);
    expect(check('Query', { TableName: TABLE, KeyConditionExpression: 'PK = :v', ExpressionAttributeValues: { ':v': { S: 'south-shire#X' } } })).toMatch(/outside/);
    expect(check('Query', { TableName: TABLE, KeyConditionExpression: ':v = PK', ExpressionAttributeValues: { ':v': { S: 'north-shire#X' } } })).toBeUndefined();
  });

  it('an equality on the sort key alone is not a partition', () => {
    const onSk = { TableName: TABLE, KeyConditionExpression: '#sk = :v', ExpressionAttributeNames: { '#sk': 'SK' }, ExpressionAttributeValues: { ':v': { S: 'north-shire#X' } } };
    expect(check('Query', onSk)).toMatch(/no equality on PK/);
  });

  it('GSI1 and GSI2 are checked on their own partition key; GSI3 and unknown indexes are refused', () => {
    const onIndex = (index: string, attr: string, pk: string) => ({
      TableName: TABLE,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': attr },
      ExpressionAttributeValues: { ':pk': { S: pk } },
    });
    expect(check('Query', onIndex('GSI1', 'GSI1PK', 'north-shire#AUDIT'))).toBeUndefined();
    expect(check('Query', onIndex('GSI2', 'GSI2PK', 'north-shire#X'))).toBeUndefined();
    expect(check('Query', onIndex('GSI1', 'GSI1PK', 'south-shire#AUDIT'))).toMatch(/outside/);
    // GSI1 queried with the table's PK name: not the index's partition key.
    expect(check('Query', onIndex('GSI1', 'PK', 'north-shire#AUDIT'))).toMatch(/no equality on GSI1PK/);
    expect(check('Query', onIndex('GSI3', 'GSI3PK', 'north-shire#X'))).toMatch(/not a tenant index/);
    expect(check('Query', onIndex('ANY', 'PK', 'north-shire#X'))).toMatch(/not a tenant index/);
  });

  it('legacy KeyConditions and a missing condition are refused', () => {
    expect(check('Query', { TableName: TABLE, KeyConditions: { PK: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'north-shire#X' }] } } })).toMatch(/legacy/);
    expect(check('Query', { TableName: TABLE })).toMatch(/without KeyConditionExpression/);
  });
});

describe('tenant guard: operations outside the allow-list', () => {
  it.each(['Scan', 'ExecuteStatement', 'BatchExecuteStatement', 'DescribeTable', 'DeleteTable', 'CreateTable', 'UpdateTable', ''])('%s is refused', (op) => {
    expect(check(op, { TableName: TABLE, Key: mine })).toMatch(/not a tenant operation/);
  });
});
