import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { reportingYearOf, toIsoDate } from '../domain/shared/dates';
import { freePort } from '../infra/local/dynamodb';
import { LocalIssuer } from '../infra/local/issuer';
import { DEMO_AUTHORITIES, DEMO_TENANT_ID } from '../infra/local/seed';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const LOAD_CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 50);
export const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);

type Kind = 'report' | 'coverage' | 'statement save' | 'import';
interface Phase {
  requests: number;
  seconds: number;
  throughput: number;
  /** Every answer by status; anything but 2xx counts as an error here. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  byKind: Record<string, { requests: number; p50: number; p95: number; p99: number }>;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : Number.NaN);
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN };
};

/** `npm start` in a child process (the whole local stack: gateway, handlers, DynamoDB Local, summaries), until ready. */
async function startStack(): Promise<{ base: string; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const name of ['TABLE_NAME', 'DYNAMODB_ENDPOINT', 'DYNAMODB_PORT', 'USER_POOL_ID', 'STS_ENDPOINT', 'TENANT_ROLE_ARN']) delete env[name];
  // The server logs as it would in AWS (INFO): what a function pays for its log lines is part of the load.
  env.POWERTOOLS_LOG_LEVEL = 'INFO';
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let text = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (text.includes('ready in')) return; // after ready: request logs, not read
      text += chunk.toString();
      if (text.includes('ready in')) resolve();
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`npm start exited before it was ready:\n${text}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * The load run: the local stack under `npm start`, and 50 concurrent clients for 30 s in a mix a
 * partnership's working day has — most reading the consolidated report or their coverage, some
 * officers saving their statements (each their own authority and year, with the version each
 * save returned, as the web app does), two importing a learning-system export (each into its own
 * authority: one import per authority at a time is the product's rule) — then the report alone
 * from as many clients. Every answer other than a 2xx counts as an error.
 */
export async function benchLoad(): Promise<{ mix: Phase; reportAlone: Phase; connections: number; seconds: number }> {
  const stack = await startStack();
  try {
    const issuer = await LocalIssuer.persistent(`${ROOT}.local/issuer-key.json`);
    const authorities = DEMO_AUTHORITIES.map((a) => a.id);
    const steering = await issuer.mint({ sub: 'load-steering', tenantId: DEMO_TENANT_ID, role: 'steering-group' });
    const leadOf = (i: number) => issuer.mint({ sub: `load-lead-${i}`, tenantId: DEMO_TENANT_ID, role: 'authority-lead', authorityId: authorities[i % authorities.length] });
    const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const year = reportingYearOf(toIsoDate(new Date()));

    // Clients' parts: 0–1 import, 2–9 save statements, the rest read.
    const IMPORTERS = 2;
    const SAVERS = 8;
    const clients: { kind: Kind; requests: autocannon.Request[] }[] = [];
    for (let i = 0; i < LOAD_CONNECTIONS; i++) {
      const token = await leadOf(i);
      const authorityId = authorities[i % authorities.length];
      const coverage: autocannon.Request = { method: 'GET', path: '/training/coverage', headers: json(token) };
      if (i < IMPORTERS) {
        const csv = ['Employee ID,Job Role,Course Title,Completion Date,Delivery Mode'];
        for (let r = 0; r < 200; r++) csv.push(`LOAD${i}-${String(r).padStart(4, '0')},frontline,Prevent e-learning,2026-0${1 + (r % 9)}-1${r % 10},e-learning`);
        clients.push({ kind: 'import', requests: [{ method: 'POST', path: `/authorities/${authorityId}/completions/import?fileName=load.csv`, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: csv.join('\n') }, coverage] });
      } else if (i < IMPORTERS + SAVERS) {
        // A year of its own for each saver: no two clients edit the same statement.
        const start = 2010 + i;
        const statementYear = `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
        const path = `/authorities/${authorityId}/statements/${statementYear}`;
        const current = await fetch(`${stack.base}${path}`, { headers: json(token) });
        const version = current.status === 200 ? ((await current.json()) as { version: number }).version : 0;
        let saves = 0;
        const context = { version };
        clients.push({
          kind: 'statement save',
          requests: [
            {
              method: 'PUT',
              path,
              headers: json(token),
              setupRequest: (req) => ({ ...req, body: JSON.stringify({ version: context.version, scores: { '1': 1 + (saves++ % 5) }, narrative: { leadership: `Load run save ${saves}` } }) }),
              onResponse: (status, body) => {
                if (status === 200) context.version = (JSON.parse(body) as { version: number }).version;
              },
            },
            coverage,
          ],
        });
      } else {
        clients.push({ kind: 'report', requests: [{ method: 'GET', path: `/reports/consolidated?year=${year}`, headers: json(steering) }, coverage] });
      }
    }

    // Each request is attributed to the kind of what was sent (the coverage reads of importers and savers are coverage).
    const run = (title: string, seconds: number, partOf: (i: number) => { kind: Kind; requests: autocannon.Request[] }) =>
      new Promise<Phase>((resolve, reject) => {
        const latencies: Record<string, number[]> = {};
        const statuses: Record<string, number> = {};
        let next = 0;
        const instance = autocannon(
          {
            url: stack.base,
            title,
            connections: LOAD_CONNECTIONS,
            duration: seconds,
            timeout: 30,
            setupClient: (client) => {
              const part = partOf(next++);
              (client as unknown as { part: typeof part; sent: number }).part = part;
              client.setRequests(part.requests);
            },
          },
          (error, result) => {
            if (error) return reject(error);
            const all = Object.values(latencies).flat();
            resolve({
              requests: all.length,
              seconds,
              throughput: all.length / seconds,
              statuses,
              errors: result.errors,
              timeouts: result.timeouts,
              latency: stats(all),
              byKind: Object.fromEntries(Object.entries(latencies).map(([k, xs]) => [k, { requests: xs.length, ...stats(xs) }])),
            });
          },
        );
        instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
          const c = client as { part: { kind: Kind; requests: autocannon.Request[] }; sent?: number };
          const index = (c.sent = (c.sent ?? 0) + 1) - 1;
          const kind: Kind = c.part.requests[index % c.part.requests.length].path === '/training/coverage' ? 'coverage' : c.part.kind;
          (latencies[kind] ??= []).push(responseTime);
          statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
        });
      });

    const mix = await run('mix', LOAD_SECONDS, (i) => clients[i]);
    const reportOnly = clients.find((c) => c.kind === 'report')!.requests[0];
    const reportAlone = await run('report alone', Math.max(10, Math.round(LOAD_SECONDS / 2)), () => ({ kind: 'report', requests: [reportOnly] }));
    return { mix, reportAlone, connections: LOAD_CONNECTIONS, seconds: LOAD_SECONDS };
  } finally {
    await stack.stop();
  }
}
