import { Document, Footer, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import type { RagStatus } from '../actionplan/plan';
import type { AnnualReport } from './annual';
import { annualSections, cellText, type Block, type Cell, type TableBlock } from './annual-sections';

/**
 * The annual report as a Word document councils can edit and re-badge: the outline of
 * ./annual-sections.ts with Word's own headings (Title, Heading 1, Heading 2) and real tables
 * whose first row is a repeating header row. Every figure is text in a run, so it can be found.
 */
const RAG_FILL: Record<RagStatus, string> = { red: 'F8CBCB', amber: 'FFE0B2', green: 'C8E6C9', complete: 'BBDEFB' };
const HEADER_FILL = 'E7E6E6';
const TOTAL_FILL = 'F5F5F5';

/** Text with "\n" as line breaks: one run per line. */
function runs(text: string, options: { bold?: boolean; italics?: boolean; size?: number; color?: string } = {}): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ text: line, ...(i > 0 ? { break: 1 } : {}), ...options }));
}

function cell(c: Cell, opts: { bold?: boolean; fill?: string }): TableCell {
  const fill = typeof c === 'string' ? opts.fill : RAG_FILL[c.rag];
  return new TableCell({
    children: [new Paragraph({ children: runs(cellText(c), { bold: opts.bold || typeof c !== 'string' }) })],
    margins: { top: 40, bottom: 40, left: 80, right: 80 },
    ...(fill ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill } } : {}),
  });
}

function table(t: TableBlock): (Paragraph | Table)[] {
  return [
    new Paragraph({ children: runs(t.caption, { bold: true }), keepNext: true, spacing: { before: 120, after: 60 } }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, cantSplit: true, children: t.header.map((h) => cell(h, { bold: true, fill: HEADER_FILL })) }),
        ...t.rows.map((r) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, { bold: t.rowHeaders && i === 0 })) })),
        ...(t.totals ?? []).map((r) => new TableRow({ cantSplit: true, children: r.map((c) => cell(c, { bold: true, fill: TOTAL_FILL })) })),
      ],
    }),
    new Paragraph({ children: [], spacing: { after: 120 } }),
  ];
}

function block(b: Block): (Paragraph | Table)[] {
  switch (b.kind) {
    case 'subheading':
      return [new Paragraph({ heading: HeadingLevel.HEADING_2, children: runs(b.text) })];
    case 'paragraph':
      return [
        new Paragraph({
          children: runs(b.text, b.style === 'empty' ? { italics: true } : b.style === 'note' ? { size: 18, color: '444444' } : {}),
          spacing: { after: 120 },
        }),
      ];
    case 'list':
      return b.items.map((item) => new Paragraph({ bullet: { level: 0 }, children: runs(item) }));
    case 'table':
      return table(b);
  }
}

export async function annualReportDocx(report: AnnualReport): Promise<Uint8Array> {
  const outline = annualSections(report);
  const doc = new Document({
    title: outline.title,
    subject: `Prevent annual report ${report.year}`,
    creator: 'Prevent duty compliance',
    lastModifiedBy: 'Prevent duty compliance',
    description: outline.asAt,
    sections: [
      {
        footers: { default: new Footer({ children: [new Paragraph({ children: runs(outline.footer, { size: 16, color: '555555' }) })] }) },
        children: [
          new Paragraph({ heading: HeadingLevel.TITLE, children: runs(outline.title) }),
          new Paragraph({ children: runs(outline.asAt, { italics: true }), spacing: { after: 240 } }),
          ...outline.sections.flatMap((s) => [new Paragraph({ heading: HeadingLevel.HEADING_1, children: runs(s.heading) }), ...s.blocks.flatMap(block)]),
          new Paragraph({ children: runs(outline.footer, { size: 16, color: '555555' }), spacing: { before: 360 } }),
        ],
      },
    ],
  });
  const buffer = await Packer.toBuffer(doc);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
