import { build, type BuildOptions, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GROUPS } from '../functions/api';
import { esbuildOptionsOf } from '../infra/constructs/api-function';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRIALS = Number(process.env.BENCH_COLD_TRIALS ?? 15);

/**
 * Every function of the stack: one per API group (functions/api.ts GROUPS, as infra/stack.ts
 * makes them) and the four that infra/stack.ts and infra/constructs/sign-in-trigger.ts name.
 */
export const FUNCTION_ENTRIES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(GROUPS).map(([group, spec]) => [group, spec.entry])),
  reminders: 'functions/jobs/reminders.ts',
  'report-summaries': 'functions/jobs/report-summaries.ts',
  'import-worker': 'functions/jobs/import-worker.ts',
  'pre-token': 'functions/identity/pre-token.ts',
};

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
  mapBytes: number;
  metafile: Metafile;
}

export async function bundleFunction(name: string, entry: string, outRoot: string, overrides: BuildOptions = {}): Promise<Bundle> {
  const outdir = path.join(outRoot, name);
  mkdirSync(outdir, { recursive: true });
  // The stack's options, plus a metafile to say what each bundle holds.
  const options = esbuildOptionsOf(entry, outdir, ROOT);
  const result = await build({ ...options, ...overrides, metafile: true });
  const file = options.outfile;
  return { name, file, bytes: statSync(file).size, mapBytes: mapSize(file), metafile: result.metafile };
}

const mapSize = (file: string) => {
  try {
    return statSync(`${file}.map`).size;
  } catch {
    return 0;
  }
};

/** Bytes of a bundle's output by package (node_modules/<name>, or "(own code)"), largest first. */
export function bytesByPackage(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1] : '(own code)';
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Inputs of a bundle whose path matches `pattern`, with their bytes in the output. */
export function inputsMatching(metafile: Metafile, pattern: RegExp): { input: string; bytes: number }[] {
  return Object.values(metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([input, { bytesInOutput }]) => pattern.test(input) && bytesInOutput > 0)
      .map(([input, { bytesInOutput }]) => ({ input, bytes: bytesInOutput })),
  );
}

/**
 * The environment a function's module loads in on Lambda, as far as the modules read it at load:
 * Powertools sees Lambda (AWS_LAMBDA_FUNCTION_NAME) and so turns tracing on, as active tracing does.
 * Nothing else from this process leaks in, so the empty module and the bundle see the same.
 */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_REGION: 'eu-west-2',
  AWS_DEFAULT_REGION: 'eu-west-2',
  AWS_LAMBDA_FUNCTION_NAME: 'bench-cold-start',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  LAMBDA_TASK_ROOT: '/var/task',
  POWERTOOLS_SERVICE_NAME: 'prevent-compliance',
  LOG_LEVEL: 'INFO',
  TABLE_NAME: 'bench-cold-start',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * CPU time (user + system, µs) and resident memory of a fresh `node` process that imports one
 * module and stops: Node's own start plus the module's load, which is what a cold start pays
 * before the first event (the Lambda runtime imports the handler module the same way).
 */
function loadOnce(file: string, flags: readonly string[]): { cpuUs: number; rssBytes: number } {
  const script =
    'await import(process.argv[1]); const u = process.cpuUsage(); ' +
    'process.stdout.write(JSON.stringify({ cpuUs: u.user + u.system, rssBytes: process.memoryUsage.rss() })); process.exit(0);';
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script, pathToFileURL(file).href], {
    env: LAMBDA_ENV,
    cwd: path.dirname(file),
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  return JSON.parse(out.slice(out.lastIndexOf('{')));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export interface LoadFigures {
  /** Median CPU of the empty module and of the bundle, ms. */
  emptyMs: number;
  bundleMs: number;
  /** Median of the per-trial ratios bundle / empty (each pair run back to back, same flags). */
  ratio: number;
  /** Median resident memory after the load, MiB. */
  emptyRssMiB: number;
  bundleRssMiB: number;
}

/**
 * Paired runs: each trial runs a fresh process importing the empty module, then one importing
 * the bundle, with the same flags; the ratio of each pair cancels the machine's load of the moment.
 */
export function measureLoad(bundleFile: string, emptyFile: string, flags: readonly string[], trials = TRIALS): LoadFigures {
  const empty: { cpuUs: number; rssBytes: number }[] = [];
  const bundle: { cpuUs: number; rssBytes: number }[] = [];
  loadOnce(bundleFile, flags); // once unmeasured: the file in the page cache, as Lambda's would be after download
  for (let i = 0; i < trials; i++) {
    empty.push(loadOnce(emptyFile, flags));
    bundle.push(loadOnce(bundleFile, flags));
  }
  const MiB = 1024 * 1024;
  return {
    emptyMs: median(empty.map((r) => r.cpuUs)) / 1000,
    bundleMs: median(bundle.map((r) => r.cpuUs)) / 1000,
    ratio: median(bundle.map((r, i) => r.cpuUs / empty[i].cpuUs)),
    emptyRssMiB: median(empty.map((r) => r.rssBytes)) / MiB,
    bundleRssMiB: median(bundle.map((r) => r.rssBytes)) / MiB,
  };
}

/** The goal of issue 14: a function's module load within 1.5× an empty ES module's. */
export const LOAD_GOAL_RATIO = 1.5;

export interface ColdStartRow {
  name: string;
  bytes: number;
  mapBytes: number;
  /** zod locale files left in the bundle (en, the one zod configures, is used). */
  zodLocales: string[];
  largest: [string, number][];
  load: LoadFigures;
  /**
   * As the functions were before issue 14: NODE_OPTIONS=--enable-source-maps, with the map
   * holding the sources' text (sourcesContent), which Node reads and parses at load.
   */
  withSourceMaps?: LoadFigures & { mapBytes: number };
}

/**
 * Bundles every function as the stack does and measures its module load against an empty ES
 * module. `parts` bundles single modules or packages the same way (the tracer, the contract...) to measure
 * their share; `sourceMaps` also measures each function as it was loaded with --enable-source-maps.
 */
export async function benchColdStart(options: { sourceMaps?: boolean; parts?: Record<string, string> } = {}) {
  const out = mkdtempSync(path.join(tmpdir(), 'bench-cold-'));
  try {
    const emptyFile = path.join(out, 'empty.mjs');
    writeFileSync(emptyFile, '');
    const rows: ColdStartRow[] = [];
    const entries: [string, string, boolean][] = Object.entries(FUNCTION_ENTRIES).map(([name, entry]) => [name, entry, true]);
    for (const [name, modulePath] of Object.entries(options.parts ?? {})) {
      // A one-line entry importing the module alone (all of it), bundled with the same options.
      const entry = path.join(out, `part-${name}.ts`);
      const specifier = modulePath.endsWith('.ts') ? path.resolve(ROOT, modulePath) : modulePath;
      writeFileSync(entry, `import * as m from ${JSON.stringify(specifier)};\n(globalThis as Record<string, unknown>).__part = m;\n`);
      entries.push([`${name}`, entry, false]);
    }
    for (const [name, entry, isFunction] of entries) {
      const dir = name.replace(/[^\w-]/g, '_');
      // A part's entry is outside the repository: its packages are found in the repository's node_modules.
      const b = await bundleFunction(dir, entry, out, isFunction ? {} : { nodePaths: [path.join(ROOT, 'node_modules')] });
      const row: ColdStartRow = {
        name,
        bytes: b.bytes,
        mapBytes: b.mapBytes,
        zodLocales: inputsMatching(b.metafile, /node_modules\/zod\/.*\/locales\/(?!index\.)/).map((i) => path.basename(i.input, '.js')),
        largest: bytesByPackage(b.metafile).slice(0, 3),
        load: measureLoad(b.file, emptyFile, []),
      };
      if (options.sourceMaps && isFunction) {
        const before = await bundleFunction(`${dir}-with-sources`, entry, out, { sourcesContent: true });
        row.withSourceMaps = { ...measureLoad(before.file, emptyFile, ['--enable-source-maps']), mapBytes: before.mapBytes };
      }
      rows.push(row);
    }
    return { trials: TRIALS, node: process.version, rows, functions: Object.keys(FUNCTION_ENTRIES) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
