import type { AnnualReport } from './annual';
import { annualSections, type Block, type Cell, type TableBlock } from './annual-sections';

/**
 * The annual report as a printable, accessible page (A4, no scripts, no external resources):
 * the outline of ./annual-sections.ts laid out as headings, paragraphs, lists and real tables.
 * Every text value is escaped.
 */
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** Escaped text, a "\n" as a line break. */
const lines = (s: string) => s.split('\n').map(esc).join('<br>');

function cellHtml(c: Cell, tag: 'td' | 'th', scope?: 'row' | 'col'): string {
  const attrs = `${scope ? ` scope="${scope}"` : ''}${typeof c === 'string' ? '' : ` class="rag rag-${c.rag}"`}`;
  const body = typeof c === 'string' ? lines(c) : `<span class="swatch" aria-hidden="true"></span>${lines(c.text)}`;
  return `<${tag}${attrs}>${body}</${tag}>`;
}

function rowHtml(row: Cell[], rowHeaders: boolean): string {
  return `<tr>${row.map((c, i) => (i === 0 && rowHeaders ? cellHtml(c, 'th', 'row') : cellHtml(c, 'td'))).join('')}</tr>`;
}

function tableHtml(t: TableBlock): string {
  return [
    '<table>',
    `<caption>${esc(t.caption)}</caption>`,
    `<thead><tr>${t.header.map((h) => `<th scope="col">${lines(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => rowHtml(r, t.rowHeaders)).join('\n')}</tbody>`,
    ...(t.totals?.length ? [`<tfoot>${t.totals.map((r) => rowHtml(r, true)).join('\n')}</tfoot>`] : []),
    '</table>',
  ].join('\n');
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'subheading':
      return `<h3>${esc(b.text)}</h3>`;
    case 'paragraph':
      return `<p${b.style ? ` class="${b.style}"` : ''}>${lines(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${lines(i)}</li>`).join('')}</ul>`;
    case 'table':
      return tableHtml(b);
  }
}

export function annualReportHtml(report: AnnualReport): string {
  const outline = annualSections(report);
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(outline.title)}</title>
<style>
  @page { size: A4 portrait; margin: 18mm 15mm; }
  body { font: 12px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; margin: 24px auto; max-width: 190mm; }
  @media print { body { margin: 0; max-width: none; } }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 28px 0 8px; padding-bottom: 2px; border-bottom: 2px solid #3b6ea5; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 13px; margin: 18px 0 6px; break-after: avoid; page-break-after: avoid; }
  .meta { color: #444; margin-bottom: 16px; }
  p { margin: 0 0 8px; } .note { color: #444; font-size: 11px; } .empty { color: #555; font-style: italic; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
  caption { text-align: left; font-weight: 600; padding: 2px 0 4px; }
  th, td { border: 1px solid #bdbdbd; padding: 3px 6px; text-align: left; vertical-align: top; }
  thead th { background: #f0f0f0; } tfoot th, tfoot td { font-weight: 600; background: #fafafa; }
  tbody th { font-weight: 600; } tr { break-inside: avoid; page-break-inside: avoid; } thead { display: table-header-group; }
  .rag { white-space: nowrap; font-weight: 600; }
  .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; border: 1px solid #555; vertical-align: baseline; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .rag-red .swatch { background: #c62828; } .rag-amber .swatch { background: #f9a825; } .rag-green .swatch { background: #2e7d32; } .rag-complete .swatch { background: #1565c0; }
  footer { margin-top: 28px; padding-top: 6px; border-top: 1px solid #ccc; color: #555; font-size: 11px; }
</style></head><body>
<header>
<h1>${esc(outline.title)}</h1>
<p class="meta">${esc(outline.asAt)}</p>
</header>
<main>
${outline.sections.map((s) => `<section>\n<h2>${esc(s.heading)}</h2>\n${s.blocks.map(blockHtml).join('\n')}\n</section>`).join('\n')}
</main>
<footer><p>${esc(outline.footer)}</p></footer>
</body></html>
`;
}
