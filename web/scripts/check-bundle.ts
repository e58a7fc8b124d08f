import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The web app's initial JavaScript, gzipped: the entry chunk and every chunk it imports
 * statically (what the browser must fetch before the first page can render). Pages are lazy
 * chunks and do not count. Fails the build over the budget. Also used by `npm run bench`.
 */
export const INITIAL_JS_BUDGET_BYTES = 150 * 1024;

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

export interface BundleFigures {
  initialJsGzipBytes: number;
  initialFiles: string[];
  largestLazyChunk: { file: string; gzipBytes: number };
  totalJsGzipBytes: number;
  initialCssGzipBytes: number;
}

export function measureBundle(dist = fileURLToPath(new URL('../dist/', import.meta.url))): BundleFigures {
  const manifest = JSON.parse(readFileSync(`${dist}.vite/manifest.json`, 'utf8')) as Record<string, ManifestChunk>;
  const gz = (file: string) => gzipSync(readFileSync(`${dist}${file}`), { level: 9 }).length;
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (!entryKey) throw new Error('No entry in the Vite manifest');
  const initial = new Set<string>();
  const visit = (key: string) => {
    if (initial.has(key)) return;
    initial.add(key);
    for (const imported of manifest[key].imports ?? []) visit(imported);
  };
  visit(entryKey);
  const initialFiles = [...initial].map((k) => manifest[k].file);
  const initialJsGzipBytes = initialFiles.reduce((sum, f) => sum + gz(f), 0);
  const lazy = Object.keys(manifest)
    .filter((k) => !initial.has(k) && manifest[k].file.endsWith('.js'))
    .map((k) => ({ file: manifest[k].file, gzipBytes: gz(manifest[k].file) }))
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
  const css = [...initial].flatMap((k) => manifest[k].css ?? []);
  return {
    initialJsGzipBytes,
    initialFiles,
    largestLazyChunk: lazy[0] ?? { file: '-', gzipBytes: 0 },
    totalJsGzipBytes: initialJsGzipBytes + lazy.reduce((s, c) => s + c.gzipBytes, 0),
    initialCssGzipBytes: css.reduce((s, f) => s + gz(f), 0),
  };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = measureBundle();
  const verdict = f.initialJsGzipBytes <= INITIAL_JS_BUDGET_BYTES ? 'within' : 'OVER';
  console.log(
    `Web app initial JavaScript: ${kb(f.initialJsGzipBytes)} gzipped (${f.initialFiles.length} file${f.initialFiles.length === 1 ? '' : 's'}), ${verdict} the ${kb(INITIAL_JS_BUDGET_BYTES)} budget; ` +
      `largest page chunk ${kb(f.largestLazyChunk.gzipBytes)} (${f.largestLazyChunk.file}); all JavaScript ${kb(f.totalJsGzipBytes)}; initial CSS ${kb(f.initialCssGzipBytes)}`,
  );
  if (verdict === 'OVER') process.exit(1);
}
