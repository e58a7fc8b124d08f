// Before anything loads the AWS SDK (the modules that do are imported dynamically below).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Business metrics are CloudWatch's (embedded metric format): on this machine they would only be JSON in the console.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

import { mkdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunningDynamo } from './dynamodb';
import type { LocalServer } from './server';

/**
 * `npm start`: the whole API on this machine. DynamoDB Local (in memory, or kept in
 * `.local/dynamodb/` with --persist), the table, the fictional Demoshire partnership,
 * the local token issuer and an HTTP server in front of the API Gateway stand-in, which
 * runs the real Lambda handlers. Ctrl-C stops everything, DynamoDB Local's java included.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOCAL_DIR = `${ROOT}.local`;
const DB_DIR = `${LOCAL_DIR}/dynamodb`;
const ISSUER_KEY_FILE = `${LOCAL_DIR}/issuer-key.json`;
const TOKEN_LIFETIME = '12h';
const WEB_DIST = `${ROOT}web/dist`;

const USAGE = `Usage: npm start [-- --persist] [-- --schools N]

  --persist   keep DynamoDB data in .local/dynamodb/ across restarts (default: in memory)
              (\`npm start --persist\` works too)
  --schools N also seed N schools, colleges and nurseries of the county (0–1000; e.g. 300),
              each a specified authority with its training, SOP, IT filter and statements
  --help      this text

The demo is loaded from a snapshot in .local/snapshots/ made by the first start of the day
(and again after a change to the code that writes it), which seeds through the services.

Environment: PORT (default 3000), DYNAMODB_PORT (default: a free port), TABLE_NAME (default prevent-compliance)`;

function parseFlags() {
  try {
    const { values } = parseArgs({
      options: { persist: { type: 'boolean', default: false }, schools: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    });
    // `npm start --persist` (without `--`) reaches us only as npm_config_persist.
    const persist = values.persist || process.env.npm_config_persist === 'true';
    const rawSchools = values.schools ?? process.env.npm_config_schools ?? '0';
    const schools = Number(rawSchools);
    if (!/^\d+$/.test(rawSchools) || schools > 1000) throw new Error(`--schools takes a whole number from 0 to 1000, not "${rawSchools}"`);
    return { persist, schools, help: values.help };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function portFrom(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} must be a port number (0–65535), not "${raw}"`);
    process.exit(2);
  }
  return port;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Milliseconds since `npm start` itself began, the web app's build before this process
 * included (package.json first builds the web app if its sources changed, web/scripts/build-if-stale.ts): the age of the npm process whose
 * script exec'd this one, from /proc. Undefined when not started by `npm start`, or not on Linux.
 */
function sinceNpmStart(): number | undefined {
  if (process.env.npm_lifecycle_event !== 'start') return undefined;
  try {
    if (!readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8').includes('npm')) return undefined;
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis start at the 3rd; the start time is the 22nd, in clock ticks (100 a second on Linux).
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const ms = (uptimeSeconds - startTicks / 100) * 1000;
    return Number.isFinite(ms) && ms >= performance.now() ? ms : undefined;
  } catch {
    return undefined;
  }
}

let dynamo: RunningDynamo | undefined;
let dynamoStarting: Promise<RunningDynamo> | undefined;
let server: LocalServer | undefined;
let s3: { endpoint: string; stop(): Promise<void> } | undefined;
let sts: { endpoint: string; stop(): Promise<void> } | undefined;
let poller: { settle(): Promise<void>; stop(): void } | undefined;
let importQueue: import('./import-queue').LocalImportQueue | undefined;
let stopping: Promise<void> | undefined;

/** Idempotent: closes the server and stops DynamoDB Local (even one still starting), then exits. */
function shutdown(code: number, why: string): Promise<void> {
  stopping ??= (async () => {
    console.log(`\n${why}: stopping…`);
    const force = setTimeout(() => {
      console.error('Shutdown took longer than 10 s; exiting anyway.');
      process.exit(code || 1);
    }, 10_000);
    force.unref();
    try {
      await server?.close();
    } catch (error) {
      console.error('Closing the HTTP server failed:', error);
    }
    poller?.stop();
    importQueue?.stop();
    await s3?.stop().catch(() => undefined);
    await sts?.stop().catch(() => undefined);
    try {
      const running = dynamo ?? (await dynamoStarting?.catch(() => undefined));
      await running?.stop();
    } catch (error) {
      console.error('Stopping DynamoDB Local failed:', error);
    }
    console.log('Stopped.');
    process.exit(code);
  })();
  return stopping;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0, signal));
}
process.on('uncaughtException', (error) => {
  console.error('Uncaught error:', error);
  void shutdown(1, 'Uncaught error');
});
process.on('unhandledRejection', (error) => {
  console.error('Unhandled rejection:', error);
  void shutdown(1, 'Unhandled rejection');
});

async function main() {
  const flags = parseFlags();
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const port = portFrom('PORT', 3000)!;
  const dynamoPort = portFrom('DYNAMODB_PORT', undefined) || undefined;
  const tableName = process.env.TABLE_NAME || 'prevent-compliance';

  const { startDynamoLocal, ensureTable, enableStream, QUICK_START_JAVA_OPTIONS } = await import('./dynamodb');
  const t0 = performance.now();
  if (flags.persist) mkdirSync(DB_DIR, { recursive: true });
  console.log(`Starting DynamoDB Local (${flags.persist ? 'persistent' : 'in memory'})…`);
  // The JVM is the longest single step: start it first and do everything else that needs no
  // database meanwhile (load the modules, open the port, start the S3 stand-in).
  dynamoStarting = startDynamoLocal({ port: dynamoPort, dbPath: flags.persist ? DB_DIR : undefined, javaOptions: QUICK_START_JAVA_OPTIONS });
  dynamoStarting.catch(() => undefined); // awaited below; not unhandled while the rest loads
  const [{ seedDemo, DEMO_PARTNERSHIP }, { loadDemo }, { startStreamPoller }, { processRecords }, { reportRepository }, { systemDeps }, { startLocalS3 }, { startLocalSts, LOCAL_TENANT_ROLE_ARN }, { LocalIssuer }, { createGateway }, { startServer }] =
    await Promise.all([
      import('./seed'),
      import('./snapshot'),
      import('./stream-poller'),
      import('../../functions/jobs/report-summaries'),
      import('../../functions/data/report-repository'),
      import('../../functions/shared/deps'),
      import('./s3'),
      import('./sts'),
      import('./issuer'),
      import('./gateway'),
      import('./server'),
    ]);
  const { createWebApp } = await import('./web');
  const [{ identityRepository }, { dynamo: dynamoClient }] = await Promise.all([import('../../functions/data/repositories'), import('../../functions/data/client')]);
  const [{ startLocalImportQueue }, { useLocalImportQueue }] = await Promise.all([import('./import-queue'), import('../../functions/jobs/import-queue')]);
  if (stopping) return;

  // The STS stand-in: tenant requests assume the tenant role there, as they do in AWS
  // (functions/data/tenant-credentials.ts), and reach the table and S3 with what it issues.
  const localSts = await startLocalSts();
  sts = localSts;
  process.env.STS_ENDPOINT = localSts.endpoint;
  process.env.TENANT_ROLE_ARN = LOCAL_TENANT_ROLE_ARN;
  // The S3 stand-in for signed statement documents (presigned uploads and downloads); it checks
  // URLs signed with the tenant credentials the STS stand-in issued.
  s3 = await startLocalS3(portFrom('S3_PORT', undefined) || undefined, { issued: localSts.lookup });
  process.env.S3_ENDPOINT = s3.endpoint;

  // Listening now finds a port in use at once, not after the seed. Until the demo is in,
  // requests get a 503: nothing may reach a handler before DYNAMODB_ENDPOINT is set.
  const issuer = await LocalIssuer.persistent(ISSUER_KEY_FILE);
  const gateway = createGateway({ issuer });
  // The web app, with the local-only page that signs in as a seeded demo user.
  let demoUsers: import('./web').DemoUser[] = [];
  const web = createWebApp({
    distDir: WEB_DIST,
    demo: {
      users: () => demoUsers,
      partnershipName: DEMO_PARTNERSHIP.name,
      // As Cognito with its trigger: the person's memberships and choice decide the token's partnership.
      mint: (user) => issuer.signIn(identityRepository(dynamoClient()), user.sub, TOKEN_LIFETIME),
      refresh: (token) => issuer.refresh(identityRepository(dynamoClient()), token, TOKEN_LIFETIME),
    },
    storageOrigin: s3.endpoint,
  });
  let ready = false;
  const starting = { statusCode: 503, headers: { 'content-type': 'application/json', 'retry-after': '2' }, body: JSON.stringify({ message: 'Starting; try again in a moment.' }) };
  try {
    server = await startServer({
      gateway: { handle: (request) => (ready ? gateway.handle(request) : Promise.resolve(starting)) },
      web: { handle: (request) => (ready || !request.url.startsWith('/local/') ? web.handle(request) : Promise.resolve(starting)) },
      port, log: (line) => console.log(`  ${line}`) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Port ${port} is already in use; run with another, e.g. PORT=3001 npm start`);
    }
    throw error;
  }
  if (stopping) return;

  dynamo = await dynamoStarting;
  const dynamoMs = performance.now() - t0;
  if (stopping) return;
  console.log(`DynamoDB Local up at ${dynamo.endpoint} in ${seconds(dynamoMs)}; seeding the demo partnership…`);

  // The handlers and the seed read these lazily, on first use; never a real user pool here.
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = tableName;
  delete process.env.USER_POOL_ID;
  // A new table gets its change stream after the seed: DynamoDB Local writes markedly slower
  // with one, and the seed's summaries are built directly below instead of from its records.
  const newTable = await ensureTable(dynamo.endpoint, tableName, { stream: false });

  // A new table gets the demo from today's snapshot (BatchWriteItem, summaries included), or,
  // on the first start of the day, from the seed, which then saves the snapshot. A persistent
  // table that already exists gets whatever of the demo it lacks, through the services.
  const t1 = performance.now();
  const demo = newTable ? await loadDemo({ schools: flags.schools }) : undefined;
  const seed = demo?.seed ?? (await seedDemo({ schools: flags.schools }));
  demoUsers = seed.users;
  const seedMs = performance.now() - t1;
  if (stopping) return;

  // The report summaries: the same consumer the table stream drives in AWS, polling DynamoDB
  // Local's stream. A table that had no stream (a new one) has no records of the seed to
  // replay: turn its stream on for every later write, and build the seed's summaries with the
  // consumer's own refresh, every authority at once. A persistent table that has its stream:
  // wait until the poller has caught up (changes of the last run, and whatever the seed added).
  const t2 = performance.now();
  const hadNoStream = await enableStream(dynamo.endpoint, tableName);
  if (hadNoStream && !demo) {
    const d = systemDeps();
    const reports = reportRepository(d.table);
    const partnershipData = new Map(); // read once for all authorities, as the consumer does per batch
    await Promise.all((await d.authorities.list(seed.tenantId)).map((a) => reports.refresh(seed.tenantId, a.id, partnershipData)));
  }
  poller = await startStreamPoller({ endpoint: dynamo.endpoint, tableName, consume: (records) => processRecords(records) });
  // Import jobs: the same worker as the Lambda, one process per delivery, fed by a local queue.
  importQueue = startLocalImportQueue({ log: (line) => console.log(`  ${line}`) });
  useLocalImportQueue(importQueue);
  if (!hadNoStream) await poller.settle();
  const summariesMs = performance.now() - t2;
  if (stopping) return;
  ready = true;

  const sinceNpm = sinceNpmStart();
  const base = server.url;
  const curl = (token: string, path: string) => `    curl -s -H "Authorization: Bearer ${token}" ${base}${path}`;
  let steeringShown = 0;
  /** A couple of requests worth trying as each user. */
  const pathsFor = (role: string, authorityId?: string): string[] => {
    if (role === 'steering-group') return steeringShown++ === 0 ? ['/authorities', '/audit'] : ['/users', '/me'];
    if (role === 'authority-lead') return ['/me', `/authorities/${authorityId}`];
    return ['/me', '/authorities'];
  };

  const c = seed.created;
  const seeded = demo?.from === 'snapshot'
    ? `loaded: ${c.authorities} authorities, ${c.users} users, ${demo.items} items from ${relative(process.cwd(), demo.file)}`
    : c.partnership || c.authorities || c.users
      ? `just seeded: ${c.partnership ? 'partnership, ' : ''}${c.authorities} authorities, ${c.users} users${demo ? `; saved as ${relative(process.cwd(), demo.file)}` : ''}`
      : 'kept from the last run';
  const lines: string[] = [
    '',
    // performance.now() counts from the process's start: the whole start, node's own included.
    `Prevent compliance API (local) ready in ${seconds(performance.now())} (DynamoDB Local ${seconds(dynamoMs)}, ${demo?.from === 'snapshot' ? 'demo from the snapshot' : 'seed'} ${seconds(seedMs)}, summaries ${seconds(summariesMs)})` +
      (sinceNpm === undefined ? '' : `; ${seconds(sinceNpm)} since npm start (a web app build included when its sources had changed)`),
    '',
    `  Web app    ${base}/   open it in a browser and choose a demo user (npm run dev:web: the same with hot reload)`,
    `  API        ${base}   (no token: ${base}/health  ${base}/openapi.json)`,
    `  DynamoDB   ${dynamo.endpoint}   port ${new URL(dynamo.endpoint).port}, ${flags.persist ? `data kept in ${relative(process.cwd(), DB_DIR) || DB_DIR}/` : 'in memory (npm start -- --persist keeps data)'}`,
    `  Table      ${tableName}`,
    `  S3         ${s3?.endpoint}   stand-in for signed statement documents and import uploads (in memory; checks presigned URLs)`,
    `  STS        ${sts?.endpoint}   stand-in issuing each partnership's tenant credentials (AssumeRole with the tenantId tag)`,
    `  Tenant     ${seed.tenantId}  "${DEMO_PARTNERSHIP.name}" (fictional; ${seeded})`,
    '',
    `Demo users (tokens valid ${TOKEN_LIFETIME}, signed with .local/issuer-key.json):`,
  ];
  let steeringToken: string | undefined;
  for (const user of seed.users) {
    const token = await issuer.mint({ sub: user.sub, tenantId: seed.tenantId, role: user.role, authorityId: user.authorityId }, TOKEN_LIFETIME);
    if (user.role === 'steering-group') steeringToken ??= token;
    const paths = pathsFor(user.role, user.authorityId);
    lines.push('', `  ${user.label}  [${user.role}${user.authorityId ? ` @ ${user.authorityId}` : ''}]  sub=${user.sub}`);
    for (const path of paths) lines.push(curl(token, path));
  }
  if (steeringToken) {
    const auth = `-H "Authorization: Bearer ${steeringToken}"`;
    lines.push(
      '',
      'The consolidated compliance report (steering group; viewers too):',
      `    curl -s ${auth} "${base}/reports/consolidated"`,
      `    curl -s ${auth} "${base}/reports/consolidated?format=csv" -o report.csv`,
      `    curl -s ${auth} "${base}/reports/consolidated?format=html" -o report.html   # then open report.html and print`,
    );
  }
  lines.push(
    '',
    'More tokens (any role, authority or subject; same key, so they work here):',
    `    npm run -s token -- --role authority-editor --tenant ${seed.tenantId} --authority police [--sub id] [--expires 12h]`,
    'The daily reminder job, once, on this database (links open this server\'s /app pages; messages land in .local/outbox/):',
    `    npm run reminders -- --endpoint ${dynamo.endpoint} --table ${tableName} --app-url ${base} [--date YYYY-MM-DD]`,
    'Another partnership in this database:',
    `    npm run partnership -- create --id other-shire --name "Othershire Prevent Partnership" --endpoint ${dynamo.endpoint}`,
    '',
    'Requests are logged below. Press Ctrl-C to stop.',
    '',
  );
  process.stdout.write(lines.join('\n'));
}

main().catch((error) => {
  console.error(`\nnpm start failed: ${(error as Error).message ?? error}`);
  if (!(error instanceof Error && /already in use/.test(error.message))) console.error(error);
  void shutdown(1, 'Startup failed');
});
