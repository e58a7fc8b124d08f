import { Logger } from '@aws-lambda-powertools/logger';
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAME } from './service';

/**
 * One logger per process. Log lines carry the correlation id (API Gateway request id),
 * the tenant and the role; never an event, a header, a token, a name or an email.
 */
export const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: (process.env.LOG_LEVEL as 'INFO') ?? 'INFO' });

/** Source maps read so far, by bundle file (null: the file has none). */
const sourceMaps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  let map = sourceMaps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    sourceMaps.set(file, map);
  }
  return map;
}

/** A frame's location in the bundle: `/var/task/index.mjs:1:2345` or `file:///var/task/index.mjs:1:2345`. */
const BUNDLE_LOCATION = /((?:file:\/\/)?\/[^\s():]+\.m?js):(\d+):(\d+)/g;

/**
 * A stack trace with each frame of a bundled function pointed at its TypeScript source
 * (`functions/shared/http.ts:120:11`), read from the source map esbuild writes beside the
 * bundle (index.mjs.map). The functions run without --enable-source-maps, which made every cold
 * start parse the whole map; the map is read here instead, once, on the first error logged.
 * A frame of a file without a map (tsx locally, Node's own) is left as it is.
 */
export function sourceMappedStack(stack: string | undefined): string | undefined {
  if (!stack) return stack;
  return stack.replace(BUNDLE_LOCATION, (frame, location: string, line: string, column: string) => {
    const map = sourceMapOf(location.startsWith('file:') ? fileURLToPath(location) : location);
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    // Sources are relative to the bundle's build directory (../../functions/...): the repository path is what helps.
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '').replace(/^file:\/\//, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
