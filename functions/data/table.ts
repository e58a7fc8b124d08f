/**
 * The single DynamoDB table, described once. The CDK stack, the local bootstrap and the
 * tests all build the table from this definition; nothing else names a key attribute.
 */
export const TABLE = {
  /** Logical name; the deployed name comes from the TABLE_NAME environment variable. */
  defaultName: 'prevent-compliance',
  partitionKey: 'PK',
  sortKey: 'SK',
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Overloaded index 1: audit events by authority; completions and sessions by date. */
    GSI1: { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    /** Overloaded index 2: audit events by entity; current completions by refresher due date. */
    GSI2: { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
    /**
     * Index 3, across all partnerships: for the reminder job, due items by the date of their next
     * reminder and queued reminders by run date; for the identity path (sign-in trigger and the
     * identity routes only), a person's memberships (`MEMBER#<sub>`). No tenant route reads it.
     */
    GSI3: { name: 'GSI3', partitionKey: 'GSI3PK', sortKey: 'GSI3SK' },
  },
} as const;

export type IndexName = keyof typeof TABLE.indexes;

/** Attributes that belong to the storage layout, not to the record; stripped on read. */
export const STORAGE_ATTRIBUTES: readonly string[] = [
  TABLE.partitionKey,
  TABLE.sortKey,
  TABLE.ttlAttribute,
  'entity',
  ...Object.values(TABLE.indexes).flatMap((i) => [i.partitionKey, i.sortKey]),
];

/** Parameters of CreateTable, for the local runtime and tests (CDK builds its own from TABLE). */
export function createTableInput(tableName: string, options: { stream?: boolean } = {}) {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of Object.values(TABLE.indexes)) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    // Changes feed the report summaries (functions/jobs/report-summaries.ts). Test tables
    // that run no consumer leave it off: DynamoDB Local writes markedly slower with a stream.
    ...(options.stream === false ? {} : { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const } }),
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.values(TABLE.indexes).map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
