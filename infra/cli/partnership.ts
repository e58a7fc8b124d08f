// Before anything loads the AWS SDK (imported dynamically below).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { parseArgs } from 'node:util';

/**
 * The platform operator's command line: partnerships (tenants) are created here, never
 * through the API. The write goes through the partnership repository, so it lands in the
 * same transaction as its audit event (actor: platform-operator).
 *
 *   npm run partnership -- create --id <tenant-id> --name "<name>" [--county X]
 *                                 [--endpoint http://localhost:8000] [--table <name>]
 *                                 [--first-user <email> [--user-pool <id>]]
 *   npm run partnership -- index-memberships [--endpoint …] [--table …]
 *   npm run partnership -- export --id <tenant-id> [--out <file>] [--endpoint …] [--table …] [--bucket …]
 *   npm run partnership -- import --file <file> [--resume] [--endpoint …] [--table …] [--bucket …]
 *
 * With --endpoint (or DYNAMODB_ENDPOINT) it writes to DynamoDB Local; otherwise to the AWS
 * table named by --table or TABLE_NAME, with the default AWS credentials and region.
 */
const USAGE = `Usage: npm run partnership -- create --id <tenant-id> --name "<name>" [--county <county>]
                                  [--endpoint <url>] [--table <table name>]
                                  [--first-user <email> [--user-pool <id>]]
       npm run partnership -- index-memberships [--endpoint <url>] [--table <table name>]
       npm run partnership -- export --id <tenant-id> [--out <file>] [--endpoint <url>] [--table <table name>] [--bucket <name>]
       npm run partnership -- import --file <file> [--resume] [--endpoint <url>] [--table <table name>] [--bucket <name>]

  index-memberships  once, on a table written before memberships: indexes every user record by
              person (GSI3), without which its owner cannot sign in; safe to run again

  export      writes every item of the partnership (a Scan of the whole table filtered on its
              keys: billed as one read of the table) and every document under <id>/ in the
              documents bucket to a JSON Lines archive (docs/export-format.md); default
              --out <id>-<date>.jsonl
  import      restores an archive into a table that does not hold the partnership (refused
              otherwise); --resume finishes an import that stopped half-way

  --id        tenant id: lower-case letters, digits and hyphens (2–40), e.g. warwickshire
  --name      e.g. "Warwickshire Prevent Partnership"
  --county    optional
  --endpoint  DynamoDB Local, e.g. http://localhost:8000 (default: env DYNAMODB_ENDPOINT;
              without either, the AWS table is used with your default AWS credentials)
  --table     table name (default: env TABLE_NAME; locally prevent-compliance)
  --first-user  invites this person as the partnership's first steering-group member (a
              membership: sign-in needs one); with --user-pool (or USER_POOL_ID) in that
              Cognito pool, which emails them an invitation if they have no account yet
  --bucket    the documents bucket (default: env DOCUMENTS_BUCKET, else prevent-documents; env
              S3_ENDPOINT points at a local S3 such as npm start's)`;

/** A mistake in the command line: says what, then how to call it. */
function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The command was fine but could not be carried out. */
function die(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        county: { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        'first-user': { type: 'string' },
        'user-pool': { type: 'string' },
        out: { type: 'string' },
        file: { type: 'string' },
        bucket: { type: 'string' },
        resume: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...extra] = positionals;
  if (command !== 'create' && command !== 'index-memberships' && command !== 'export' && command !== 'import') fail(command ? `Unknown command "${command}"` : 'Missing command');
  if (extra.length) fail(`Unexpected argument(s): ${extra.join(' ')}`);
  if ((command === 'create' || command === 'export') && !values.id) fail('--id is required');
  if (command === 'import' && !values.file) fail('--file is required');
  if (command === 'create' && !values.name) fail('--name is required');

  const endpoint = values.endpoint ?? process.env.DYNAMODB_ENDPOINT;
  const tableName = values.table ?? process.env.TABLE_NAME ?? (endpoint ? 'prevent-compliance' : undefined);
  if (!tableName) fail('Give the AWS table with --table or TABLE_NAME (or --endpoint for DynamoDB Local)');
  if (endpoint) {
    try {
      new URL(endpoint);
    } catch {
      fail(`--endpoint "${endpoint}" is not a URL`);
    }
    process.env.DYNAMODB_ENDPOINT = endpoint;
  } else {
    delete process.env.DYNAMODB_ENDPOINT;
  }
  // systemDeps() reads both lazily, on first use.
  process.env.TABLE_NAME = tableName;

  if (command === 'index-memberships') {
    const [{ indexMemberships }, { dynamo }] = await Promise.all([import('../../functions/data/repositories'), import('../../functions/data/client')]);
    const indexed = await indexMemberships(dynamo());
    console.error(`Indexed ${indexed} user record(s) by person in ${endpoint ? `DynamoDB Local ${endpoint}, table ${tableName}` : `AWS table ${tableName}`}.`);
    return;
  }

  if (command === 'export' || command === 'import') {
    const [portability, { localClient }, { DynamoDBClient }, { s3 }] = await Promise.all([
      import('./portability'),
      import('../local/dynamodb'),
      import('@aws-sdk/client-dynamodb'),
      import('../../functions/storage/s3-client'),
    ]);
    const stores = {
      dynamo: endpoint ? localClient(endpoint) : new DynamoDBClient({}),
      tableName,
      s3: s3(),
      bucket: values.bucket ?? process.env.DOCUMENTS_BUCKET ?? 'prevent-documents',
    };
    const where = `${endpoint ? `DynamoDB Local ${endpoint}, table ${tableName}` : `AWS table ${tableName}`}, bucket ${stores.bucket}`;
    try {
      if (command === 'export') {
        const now = new Date();
        const out = values.out ?? `${values.id}-${now.toISOString().slice(0, 10)}.jsonl`;
        const header = await portability.exportPartnership(stores, values.id!, out, now);
        console.error(`Exported partnership ${header.partnershipId} from ${where}: ${header.itemCount} items, ${header.documentCount} documents (${header.documentBytes} bytes) to ${out}`);
      } else {
        const done = await portability.importPartnership(stores, values.file!, { resume: values.resume });
        console.error(`Imported partnership ${done.header.partnershipId} (exported ${done.header.exportedAt}) into ${where}: ${done.items} items, ${done.documents} documents`);
      }
    } catch (error) {
      if (error instanceof portability.PortabilityError) die(error.message);
      throw error;
    } finally {
      stores.dynamo.destroy();
    }
    return;
  }

  // create: both checked above.
  const id = values.id!;
  const name = values.name!;
  const z = await import('zod');
  const { newPartnership } = await import('../../domain/partnerships/partnership');
  const { ConflictError } = await import('../../domain/shared/errors');
  const { systemDeps } = await import('../../functions/shared/deps');

  const d = systemDeps();
  let created;
  try {
    created = newPartnership({ id, name, county: values.county }, d.clock, d.ids);
  } catch (error) {
    if (error instanceof z.ZodError) {
      fail(`Invalid partnership:\n${error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n')}`);
    }
    throw error;
  }
  // The first user's address is checked before anything is written.
  const { CreateUser, userService } = await import('../../domain/users/user');
  const firstUser = values['first-user'] === undefined ? undefined : CreateUser.safeParse({ email: values['first-user'], role: 'steering-group' });
  if (firstUser && !firstUser.success) fail(`--first-user "${values['first-user']}" is not an email address`);
  const target = endpoint ? `DynamoDB Local ${endpoint}, table ${tableName}` : `AWS table ${tableName}`;
  try {
    await d.partnerships.create(created.partnership, created.audit, created.courses);
  } catch (error) {
    if (error instanceof ConflictError) die(`Partnership "${values.id}" already exists in ${target}.`);
    if ((error as Error).name === 'ResourceNotFoundException') {
      die(`No table ${tableName} in ${endpoint ? `DynamoDB Local ${endpoint} (is npm start running? it prints its DynamoDB endpoint)` : 'AWS'}.`);
    }
    throw error;
  }
  console.error(`Created partnership ${created.partnership.id} in ${target} (audit event ${created.audit.id}):`);
  console.log(JSON.stringify(created.partnership, null, 2));

  if (firstUser?.success) {
    if (values['user-pool']) process.env.USER_POOL_ID = values['user-pool'];
    const { userDirectory } = await import('../../functions/identity/directory');
    const users = userService({ store: d.users, directory: userDirectory(), authorities: d.authorities, clock: d.clock, ids: d.ids });
    // The operator acts as the partnership's steering group this once (the audit event says who).
    const operator = { tenantId: created.partnership.id, userId: 'platform-operator', role: 'steering-group' as const };
    const user = await users.create(operator, firstUser.data);
    console.error(`Invited ${user.email} as the first steering-group member (user ${user.id}).`);
  }
}

main()
  .then(() => process.exit(0))
  .catch((error) => {
    console.error((error as Error).message ? `Failed: ${(error as Error).message}` : error);
    if (process.env.DEBUG) console.error(error);
    process.exit(1);
  });
