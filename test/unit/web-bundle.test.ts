import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { measureBundle } from '../../web/scripts/check-bundle';

describe('the web bundle budget check', () => {
  it('counts the entry and what it imports statically, never the lazy page chunks', () => {
    const dist = `${mkdtempSync(`${tmpdir()}/bundle-`)}/`;
    mkdirSync(`${dist}.vite`, { recursive: true });
    mkdirSync(`${dist}assets`);
    const files = { 'assets/entry.js': 'a'.repeat(5000), 'assets/vendor.js': 'import x from "y";'.repeat(300), 'assets/page.js': Math.random().toString(36).repeat(2000) };
    for (const [f, content] of Object.entries(files)) writeFileSync(`${dist}${f}`, content);
    writeFileSync(`${dist}assets/app.css`, 'body{color:red}');
    writeFileSync(
      `${dist}.vite/manifest.json`,
      JSON.stringify({
        'index.html': { file: 'assets/entry.js', isEntry: true, imports: ['_vendor.js'], dynamicImports: ['src/Page.tsx'], css: ['assets/app.css'] },
        '_vendor.js': { file: 'assets/vendor.js' },
        'src/Page.tsx': { file: 'assets/page.js', isDynamicEntry: true, imports: ['_vendor.js'] },
      }),
    );
    const gz = (s: string) => gzipSync(Buffer.from(s), { level: 9 }).length;
    const f = measureBundle(dist);
    expect(f.initialFiles.sort()).toEqual(['assets/entry.js', 'assets/vendor.js']);
    expect(f.initialJsGzipBytes).toBe(gz(files['assets/entry.js']) + gz(files['assets/vendor.js']));
    expect(f.largestLazyChunk).toEqual({ file: 'assets/page.js', gzipBytes: gz(files['assets/page.js']) });
    expect(f.initialCssGzipBytes).toBe(gz('body{color:red}'));
  });
});
