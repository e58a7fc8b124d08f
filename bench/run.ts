import { startDynamoLocal } from '../infra/local/dynamodb';
import { LOCAL_TENANT_ROLE_ARN, startLocalSts } from '../infra/local/sts';
import { benchImportJob, benchTrainingImport } from './training-import';
import { benchReport, benchReportGrowth } from './report';
import { benchSummaryConsumer } from './summary-consumer';
import { INITIAL_JS_BUDGET_BYTES, measureBundle } from '../web/scripts/check-bundle';
import { benchColdStart, LOAD_GOAL_RATIO } from './cold-start';
import { execFileSync } from 'node:child_process';
import { benchStart } from './start';
import { benchLoad } from './load';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.LOG_LEVEL = 'SILENT';

/**
 * `npm run bench`: measurements against a fresh, in-memory DynamoDB Local, each set of
 * figures taken in the same run against its baseline, so the ratios mean something on
 * whatever machine runs them.
 */
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const requests = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** The web app's first-load JavaScript, from a fresh production build. */
function benchWebBundle() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'web') return;
  execFileSync('npm', ['run', '-s', 'build:web'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const f = measureBundle();
  const kb = (n: number) => `${fmt(n / 1024, 1)} KB`;
  console.log(`\nWeb app bundle (vite build, gzip -9)`);
  console.log(`  initial JavaScript   ${kb(f.initialJsGzipBytes)}  (budget ${kb(INITIAL_JS_BUDGET_BYTES)}; ${f.initialFiles.join(', ')})`);
  console.log(`  largest page chunk   ${kb(f.largestLazyChunk.gzipBytes)}  (${f.largestLazyChunk.file})`);
  console.log(`  all JavaScript       ${kb(f.totalJsGzipBytes)};  initial CSS ${kb(f.initialCssGzipBytes)}`);
}

/**
 * Cold starts: every function bundled as the stack bundles it, its module load (CPU) against an
 * empty ES module's in paired fresh processes, and as it was with --enable-source-maps.
 */
async function benchColdStarts() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'cold') return;
  const c = await benchColdStart({
    sourceMaps: true,
    parts: { '(contract alone)': 'functions/api.ts', '(DynamoDB SDK alone)': '@aws-sdk/lib-dynamodb', '(tracer alone)': 'functions/shared/tracer.ts', '(logger alone)': 'functions/shared/logger.ts' },
  });
  const kb = (n: number) => `${fmt(n / 1024)} KB`;
  const mib = (n: number) => `${fmt(n, 1)} MiB`;
  const emptyMs = c.rows[0].load.emptyMs;
  console.log(`\nFunction bundles: module load against an empty ES module (esbuild with the stack's options; a fresh \`node\` ${c.node} per load, CPU user+system;`);
  console.log(`median of ${c.trials} paired trials, each the empty module then the bundle, same flags; goal <= ${LOAD_GOAL_RATIO}x; empty module ${fmt(emptyMs, 1)} ms, ${mib(c.rows[0].load.emptyRssMiB)})`);
  console.log(`  ${'function'.padEnd(24)} ${'bundle'.padStart(8)} ${'map'.padStart(8)} ${'load CPU'.padStart(9)} ${'ratio'.padStart(6)}  goal ${'RSS'.padStart(9)}  | --enable-source-maps, map with sources (before): ${'CPU'.padStart(8)} ratio ${'RSS'.padStart(9)}  | largest packages`);
  for (const r of c.rows) {
    const sm = r.withSourceMaps;
    const meets = r.load.ratio <= LOAD_GOAL_RATIO ? 'yes ' : 'no  ';
    const smText = sm ? `map ${kb(sm.mapBytes).padStart(8)}  ${`${fmt(sm.bundleMs, 1)} ms`.padStart(8)} ${fmt(sm.ratio, 2).padStart(5)} ${mib(sm.bundleRssMiB).padStart(9)}` : ''.padStart(38);
    console.log(
      `  ${r.name.padEnd(24)} ${kb(r.bytes).padStart(8)} ${kb(r.mapBytes).padStart(8)} ${`${fmt(r.load.bundleMs, 1)} ms`.padStart(9)} ${fmt(r.load.ratio, 2).padStart(6)}  ${meets} ${mib(r.load.bundleRssMiB).padStart(9)}  | ${smText}  | ${r.largest.map(([p, n]) => `${p} ${kb(n)}`).join(', ')}`,
    );
  }
  const functions = c.rows.filter((r) => c.functions.includes(r.name));
  const meeting = functions.filter((r) => r.load.ratio <= LOAD_GOAL_RATIO).map((r) => r.name);
  const locales = [...new Set(functions.flatMap((r) => r.zodLocales))];
  const maps = functions.filter((r) => r.withSourceMaps);
  const extra = (f: (r: (typeof maps)[number]) => number) => maps.map(f).sort((a, b) => a - b);
  const cpu = extra((r) => r.withSourceMaps!.bundleMs / r.load.bundleMs - 1);
  const rss = extra((r) => r.withSourceMaps!.bundleRssMiB - r.load.bundleRssMiB);
  console.log(`  zod locale files in any function bundle: ${locales.length} (${locales.join(', ') || 'none'})`);
  console.log(`  --enable-source-maps cost: load CPU +${fmt(cpu[0] * 100)}% to +${fmt(cpu[cpu.length - 1] * 100)}%, RSS +${fmt(rss[0], 1)} to +${fmt(rss[rss.length - 1], 1)} MiB per function`);
  console.log(`  functions within ${LOAD_GOAL_RATIO}x an empty module: ${meeting.length} of ${functions.length}${meeting.length ? ` (${meeting.join(', ')})` : ''}`);
}

/** `npm start` until its ready line, three times (goal: ready within 5 s of `npm start`). */
async function benchNpmStart() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'start') return;
  const trials = await benchStart(3);
  console.log(`\nnpm start until ready, three runs in a row (each stopped with Ctrl-C; the figures are its own ready line's; goal <= 5 s since npm start)`);
  for (const t of trials) {
    console.log(`  ${`${fmt(t.sinceNpmStartS, 1)} s`.padStart(7)} since npm start   ready in ${fmt(t.readyS, 1)} s: DynamoDB Local ${fmt(t.dynamoS, 1)} s, demo from the ${t.demoFrom} ${fmt(t.demoS, 1)} s, summaries ${fmt(t.summariesS, 1)} s${t.sinceNpmStartS <= 5 ? '' : '  OVER GOAL'}`);
  }
}

/** The local stack under 50 concurrent clients: a working day's mix, then the report alone. */
async function benchLoadRun() {
  if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== 'load') return;
  const l = await benchLoad();
  const ms = (n: number) => `${fmt(n, 0)} ms`;
  const phase = (title: string, p: Awaited<ReturnType<typeof benchLoad>>['mix']) => {
    const failed = Object.entries(p.statuses).filter(([s]) => !s.startsWith('2')).reduce((n, [, c]) => n + c, 0);
    console.log(`  ${title}: ${fmt(p.requests)} requests in ${p.seconds} s, ${fmt(p.throughput, 1)} requests/s; latency p50 ${ms(p.latency.p50)}, p95 ${ms(p.latency.p95)}, p99 ${ms(p.latency.p99)}, max ${ms(p.latency.max)}`);
    console.log(`    answers ${Object.entries(p.statuses).map(([s, c]) => `${s} × ${fmt(c)}`).join(', ')}; errors ${failed + p.errors + p.timeouts} (non-2xx ${failed}, connection errors ${p.errors}, timeouts ${p.timeouts})`);
    for (const [kind, k] of Object.entries(p.byKind)) console.log(`    ${kind.padEnd(15)} ${fmt(k.requests).padStart(7)} requests  p50 ${ms(k.p50).padStart(7)}  p95 ${ms(k.p95).padStart(7)}  p99 ${ms(k.p99).padStart(7)}`);
  };
  console.log(`\nLoad: npm start (the demo partnership on DynamoDB Local, logging at INFO) and ${l.connections} concurrent clients (autocannon), latencies as the clients saw them`);
  phase(`mix for ${l.seconds} s (38 clients read the report and coverage, 8 save their own statements, 2 import a 200-row export)`, l.mix);
  phase(`the report alone`, l.reportAlone);
}

async function main() {
  benchWebBundle();
  await benchNpmStart();
  await benchColdStarts();
  await benchLoadRun();
  if (['web', 'cold', 'start', 'load'].includes(process.env.BENCH_ONLY ?? '')) return;
  const dynamo = await startDynamoLocal();
  // Tenant requests assume the tenant role at the STS stand-in, as in AWS and the tests.
  const sts = await startLocalSts();
  process.env.STS_ENDPOINT = sts.endpoint;
  process.env.TENANT_ROLE_ARN = LOCAL_TENANT_ROLE_ARN;
  try {
    const only = process.env.BENCH_ONLY;
    if (!only || only === 'job') {
      const j = await benchImportJob(dynamo.endpoint, sts.lookup);
      console.log(`\nImport job of ${fmt(j.rows)} completions (${fmt(j.bytes / 1024 / 1024, 1)} MB CSV) into an empty authority: upload, job, worker process, completion (DynamoDB Local, same run)`);
      console.log(`  job end to end (presigned PUT → POST /imports → worker → GET until completed)  ${fmt(j.jobMs)} ms  ${fmt(j.jobRate)} rows/s`);
      console.log(`  raw BatchWriteItem of the items the job stores (built beforehand)              ${fmt(j.rawMs)} ms  ${fmt(j.rawRate)} rows/s`);
      console.log(`  ratio job / raw                                                                 ${fmt(j.ratio, 2)}   (median of ${j.trials.length} trials: ${j.trials.map((t) => fmt(t, 2)).join(', ')})`);
    }
    if (!only || only === 'import') {
      const r = await benchTrainingImport(dynamo.endpoint);
      console.log(`\nCSV import of ${fmt(r.rows)} completions sent with the request, inline (DynamoDB Local, same run)`);
      console.log(`  import (API → handler → DynamoDB)  ${fmt(r.importMs)} ms  ${fmt(r.importRate)} rows/s   requests: ${requests(r.importRequests)}`);
      console.log(`  raw BatchWriteItem, same items     ${fmt(r.rawMs)} ms  ${fmt(r.rawRate)} rows/s   requests: ${requests(r.rawRequests)}`);
      console.log(`  ratio import / raw                 ${fmt(r.ratio, 2)}   (median of ${r.trials.length} trials, each an import and a raw write back to back: ${r.trials.map((t) => fmt(t, 2)).join(', ')})`);
      console.log(`  re-import of the same file         ${fmt(r.reimportMs)} ms  (0 stored)   requests: ${requests(r.reimportRequests)}`);
    }

    if (!only || only === 'consumer') {
      const c = await benchSummaryConsumer(dynamo.endpoint);
      console.log(`\nReport-summary consumer: items read per imported row (import job of ${fmt(c.rows)} rows into one authority, chunks of ${fmt(c.chunk)}, stream batches of ${c.streamBatch}; DynamoDB Local, same run)`);
      for (const [label, f] of [['job-aware      ', c.jobAware], ['without marker ', c.withoutMarker]] as const) {
        console.log(`  ${label} rows ${fmt(c.rows)}   stream batches ${fmt(f.batches)}   recomputations ${fmt(f.recomputations)}   items read ${fmt(f.itemsRead)}   items read per row ${fmt(f.itemsRead / c.rows, 2)}  (goal <= 2)`);
      }
    }

    if (!only || only === 'report') {
      const g = await benchReportGrowth(dynamo.endpoint);
      const kb = (n: number) => `${fmt(n / 1024, 0)} KB`;
      console.log(`\nConsolidated report as the partnership grows: 200,000 completions over 5 years shared by 10–600 authorities, summaries written directly, and a full plan year (90 actions), the Home Office assessment and four quarters of delivery figures (DynamoDB Local, same run)`);
      console.log(`  served = GET /reports/consolidated?year=${g.year} through the API stand-in; bare = the same DynamoDB requests with the SDK's low-level client, no report code; median of ${g.trials} paired trials`);
      console.log(`  served: summaries decoded by an earlier report and unchanged since are not decoded again (report-repository.ts); decoding all: the same with none decoded before`);
      console.log(`  authorities  requests (bare)  DynamoDB bytes (summaries)  report bytes   bare ms   served ms   served / bare  (goal <= 1.5, <= 7 requests)  decoding all ms  / bare  same figures`);
      for (const r of g.rows) {
        console.log(
          `  ${String(r.size).padStart(11)}  ${String(r.requests).padStart(8)} (${r.bareRequests})  ${kb(r.dynamoBytes).padStart(14)} (${kb(r.summaryBytes)})  ${kb(r.reportBytes).padStart(12)}  ${fmt(r.bareMs, 1).padStart(8)}  ${fmt(r.servedMs, 1).padStart(10)}  ${fmt(r.ratio, 2).padStart(13)}${r.ratio <= 1.5 && r.requests <= 7 ? '          ' : '  OVER GOAL'}                 ${fmt(r.decodingMs, 1).padStart(15)}  ${fmt(r.decodingRatio, 2).padStart(5)}  ${r.same && r.rows === r.size ? 'yes' : 'NO'}`,
        );
      }
      const b = await benchReport(dynamo.endpoint);
      console.log(`\nConsolidated report: ${b.authorities} authorities, ${fmt(b.completions)} completions over ${b.years} years (DynamoDB Local, same run)`);
      console.log(`  seeded in ${fmt(b.seedMs / 1000, 1)} s; summaries recomputed for every authority in ${fmt(b.refreshMs / 1000, 1)} s (the stream consumer's work)`);
      console.log(`  served report (summaries)     ${fmt(b.served.medianMs, 1)} ms median   ${b.served.requests} DynamoDB requests`);
      console.log(`  naive recomputation (raw)     ${fmt(b.naive.medianMs, 1)} ms median   ${b.naive.requests} DynamoDB requests`);
      console.log(`  report totals this year: ${fmt((b.served.result as { totals: { completions: number } }).totals.completions)} completions, ${fmt((b.served.result as { totals: { peopleTrained: number } }).totals.peopleTrained)} people trained`);
      console.log(`  ratios naive / served         ${fmt(b.naive.medianMs / b.served.medianMs, 0)}× the time, ${fmt(b.naive.requests / b.served.requests, 0)}× the requests; same figures: ${b.same ? 'yes' : 'NO'}`);
    }
  } finally {
    await sts.stop();
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
