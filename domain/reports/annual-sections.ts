import type { RagStatus } from '../actionplan/plan';
import { QUARTER_LABELS, type PublishedTableView } from '../delivery/figures';
import { isReportingYear, reportingYearRange } from '../shared/dates';
import type { AnnualReport } from './annual';
import { asAtLine } from './formats';

/**
 * The annual report as one ordered outline — title, numbered sections, sub-headings, paragraphs,
 * lists and tables of text — built once from the model, so the HTML page (./annual-html.ts) and
 * the Word document (./annual-docx.ts) show the same words and figures in the same order.
 * Every figure is already text here: the renderers only lay it out (and escape it).
 */

/** A table cell: text (a "\n" starts a new line), or a RAG status shown as its word with a colour beside it, never colour alone. */
export type Cell = string | { text: string; rag: RagStatus };
export interface TableBlock {
  kind: 'table';
  caption: string;
  header: string[];
  rows: Cell[][];
  /** Rows of totals, after the body (e.g. "All sectors"). */
  totals?: Cell[][];
  /** Whether the first cell of each row names the row (a row header). */
  rowHeaders: boolean;
}
export type Block =
  | { kind: 'subheading'; text: string }
  | { kind: 'paragraph'; text: string; style?: 'note' | 'empty' }
  | { kind: 'list'; items: string[] }
  | TableBlock;
export interface Section {
  heading: string;
  blocks: Block[];
}
export interface AnnualOutline {
  /** The one top-level heading, also the document title. */
  title: string;
  /** When the figures are taken. */
  asAt: string;
  sections: Section[];
  /** The line at the foot: when the report was generated. */
  footer: string;
}

export const RAG_LABEL: Record<RagStatus, string> = { red: 'Red', amber: 'Amber', green: 'Green', complete: 'Complete' };
export const cellText = (c: Cell): string => (typeof c === 'string' ? c : c.text);

const STATUS_LABEL: Record<string, string> = { missing: 'Missing', draft: 'Draft', submitted: 'Submitted', returned: 'Returned', accepted: 'Accepted' };
const KIND_LABEL: Record<string, string> = { newsletter: 'Newsletters', event: 'Events', campaign: 'Campaigns', 'social-media': 'Social media', website: 'Website', other: 'Other' };

const num = (n: number) => n.toLocaleString('en-GB');
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`);
const oneDecimal = (v: number) => v.toFixed(1);
/** Signed as formats.ts signs a change: "+", "−" (a minus sign) or "±". */
const signedNumber = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${num(Math.abs(v))}`;
const signedDecimal = (v: number) => {
  const r = Math.round(v * 10) / 10;
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${oneDecimal(Math.abs(r))}`;
};
const signedPoints = (v: number) => {
  const r = Math.round(v * 100);
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r)} pts`;
};

export function longDate(iso: string): string {
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** The as-at line of the consolidated report (formats.ts), compared with the previous year as at its end. */
export function annualAsAtLine(report: Pick<AnnualReport, 'asAt' | 'partYear' | 'training'>): string {
  const previousYear = report.training.previousYear;
  if (isReportingYear(previousYear)) return asAtLine({ asAt: report.asAt, partYear: report.partYear, previousYear, previousAsAt: reportingYearRange(previousYear).to });
  return report.partYear ? `Figures as at ${longDate(report.asAt)}: a part year.` : `Figures as at ${longDate(report.asAt)}, the end of the year.`;
}

/** Narrative text as paragraphs: split on blank lines. */
function paragraphs(text: string, empty: string): Block[] {
  const parts = text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.length ? parts.map((p) => ({ kind: 'paragraph', text: p.replace(/\r\n/g, '\n') })) : [{ kind: 'paragraph', text: empty, style: 'empty' }];
}

const finding = (f: { benchmark?: number; name?: string; text: string }) => (f.name ? `${f.name}: ${f.text}` : f.benchmark ? `Benchmark ${f.benchmark}: ${f.text}` : f.text);

function figuresTable(t: PublishedTableView, year: string, firstHeader: string): TableBlock {
  const yearHeader = `Year ${year}`;
  const hasTotals = !!(t.columnTotals || t.grandTotal);
  return {
    kind: 'table',
    caption: t.title,
    header: [firstHeader, ...t.columns.map((c) => c.label), yearHeader],
    rows: t.rows.map((r, i) => [r.label, ...(t.cells[i] ?? []).map((c) => c.text), t.rowTotals?.[i]?.text ?? '–']),
    ...(hasTotals ? { totals: [['All sectors', ...t.columns.map((_, j) => t.columnTotals?.[j]?.text ?? '–'), t.grandTotal?.text ?? '–']] } : {}),
    rowHeaders: true,
  };
}

/** The annual report's outline, in the order the steering group presents it. */
export function annualSections(report: AnnualReport): AnnualOutline {
  const title = `${report.partnershipName ?? 'Prevent partnership'} — Prevent annual report ${report.year}`;
  const generatedDate = new Date(report.generatedAt);
  const generated = Number.isNaN(generatedDate.getTime())
    ? report.generatedAt
    : generatedDate.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });
  const n = report.narrative;
  const t = report.training;
  const sections: Section[] = [];

  sections.push({ heading: '1. Introduction', blocks: paragraphs(n.introduction, 'No introduction written yet.') });
  sections.push({ heading: '2. Highlights', blocks: paragraphs(n.highlights, 'No highlights written yet.') });

  // 3. Training
  const change = t.peopleTrained - t.previousPeopleTrained;
  const comparedWith = report.partYear ? `on the whole of ${t.previousYear}` : `on ${t.previousYear}`;
  sections.push({
    heading: '3. Training across the partnership',
    blocks: [
      {
        kind: 'paragraph',
        text: `${num(t.peopleTrained)} people trained across ${num(t.authorities)} ${t.authorities === 1 ? 'authority' : 'authorities'} in ${report.year}: ${signedNumber(change)} ${comparedWith} (${num(t.previousPeopleTrained)}). Training coverage ${pct(t.coverage)} against a target of ${pct(t.coverageTarget)}; ${num(t.authoritiesMeetingTarget)} of ${num(t.authorities)} authorities meet the target.`,
      },
      {
        kind: 'table',
        caption: `Training in ${report.year}`,
        header: ['Measure', report.year, t.previousYear],
        rows: [
          ['People trained', num(t.peopleTrained), `${num(t.previousPeopleTrained)} (change ${signedNumber(change)})`],
          ['Completions', num(t.completions), '–'],
          ['Sessions delivered', num(t.sessions), '–'],
          ['Session attendees', num(t.attendees), '–'],
          ['Rated good or excellent', pct(t.feedbackShare), '–'],
          [
            'Training coverage',
            `${pct(t.coverage)} (target ${pct(t.coverageTarget)})`,
            t.previousCoverage === null ? '–' : `${pct(t.previousCoverage)}${t.coverage !== null ? ` (change ${signedPoints(t.coverage - t.previousCoverage)})` : ''}`,
          ],
          ['Authorities meeting the coverage target', `${num(t.authoritiesMeetingTarget)} of ${num(t.authorities)}`, '–'],
        ],
        rowHeaders: true,
      },
    ],
  });

  // 4. Statements and benchmarks
  const s = report.statements;
  const a = report.assessment;
  const assessmentBlocks: Block[] = a
    ? [
        { kind: 'subheading', text: `Home Office assessment ${a.year}` },
        ...(a.assessedOn ? [{ kind: 'paragraph' as const, text: `Assessed on ${longDate(a.assessedOn)}.` }] : []),
        { kind: 'paragraph', text: 'Strengths:' },
        a.strengths.length ? { kind: 'list', items: a.strengths.map(finding) } : { kind: 'paragraph', text: 'No strengths recorded.', style: 'empty' },
        { kind: 'paragraph', text: 'Areas for development:' },
        a.developmentAreas.length ? { kind: 'list', items: a.developmentAreas.map(finding) } : { kind: 'paragraph', text: 'No areas for development recorded.', style: 'empty' },
      ]
    : [
        { kind: 'subheading', text: 'Home Office assessment' },
        { kind: 'paragraph', text: `No Home Office assessment is recorded for ${report.year} or an earlier year.`, style: 'empty' },
      ];
  sections.push({
    heading: '4. Assurance statements and benchmarks',
    blocks: [
      { kind: 'subheading', text: 'Assurance statements' },
      { kind: 'paragraph', text: `${num(s.expected)} statements expected (one per authority); ${num(s.byStatus.accepted ?? 0)} accepted.` },
      {
        kind: 'table',
        caption: `Assurance statements by status, ${report.year}`,
        header: ['Status', 'Statements'],
        rows: Object.entries(STATUS_LABEL).map(([k, label]) => [label, num(s.byStatus[k as keyof typeof s.byStatus] ?? 0)]),
        totals: [['Expected', num(s.expected)]],
        rowHeaders: true,
      },
      { kind: 'subheading', text: 'Benchmarks: self-assessment beside the Home Office assessment' },
      { kind: 'paragraph', text: 'Scores from 1 to 5 (3 = duty met). The self-assessed mean is of the submitted and accepted statements; the gap is that mean minus the Home Office score.', style: 'note' },
      report.benchmarks.length
        ? {
            kind: 'table',
            caption: 'Benchmark scores',
            header: ['Benchmark', 'Self-assessed mean', 'Home Office score', 'Target', 'Gap (self − Home Office)'],
            rows: report.benchmarks.map((b) => [
              `${b.benchmark}. ${b.name}`,
              b.selfAverage === null ? '–' : `${oneDecimal(b.selfAverage)} (of ${num(b.selfCount)})`,
              b.homeOffice === undefined ? '–' : String(b.homeOffice),
              b.target === undefined ? '–' : String(b.target),
              b.selfAverage !== null && b.homeOffice !== undefined ? signedDecimal(b.selfAverage - b.homeOffice) : '–',
            ]),
            rowHeaders: true,
          }
        : { kind: 'paragraph', text: 'No benchmark scores yet.', style: 'empty' },
      ...assessmentBlocks,
    ],
  });

  // 5. Compliance
  const c = report.compliance;
  sections.push({
    heading: '5. Compliance',
    blocks: [
      { kind: 'paragraph', text: `Overdue items across the partnership: ${num(c.overdueItems)}.` },
      {
        kind: 'table',
        caption: 'IT filter assurance (authorities)',
        header: ['IT filter review', 'Authorities'],
        rows: [
          ['Current', num(c.itFilter.current)],
          ['Due soon', num(c.itFilter.dueSoon)],
          ['Overdue', num(c.itFilter.overdue)],
          ['Missing', num(c.itFilter.missing)],
        ],
        rowHeaders: true,
      },
      {
        kind: 'table',
        caption: 'Standard operating procedure (authorities)',
        header: ['SOP', 'Authorities'],
        rows: [
          ['In force', num(c.sop.inForce)],
          ['Review overdue', num(c.sop.reviewOverdue)],
          ['None in force', num(c.sop.none)],
        ],
        rowHeaders: true,
      },
      {
        kind: 'table',
        caption: 'Obligations (across all authorities)',
        header: ['Obligations', 'Count'],
        rows: [
          ['Not yet started', num(c.obligations.notYetStarted)],
          ['Developing', num(c.obligations.developing)],
          ['Achieving', num(c.obligations.achieving)],
        ],
        rowHeaders: true,
      },
    ],
  });

  // 6. Action plan
  const plan = report.actionPlan;
  const counts = (x: { red: number; amber: number; green: number; complete: number; total: number; overdue: number }) =>
    `${num(x.total)} ${x.total === 1 ? 'action' : 'actions'}: Red ${num(x.red)}, Amber ${num(x.amber)}, Green ${num(x.green)}, Complete ${num(x.complete)}; ${num(x.overdue)} overdue.`;
  sections.push({
    heading: '6. Action plan progress by theme',
    blocks: plan
      ? [
          { kind: 'paragraph', text: `${plan.title} (${plan.year}), as at ${longDate(plan.asAt)}. ${counts(plan.totals)}` },
          ...plan.themes.flatMap((theme): Block[] => [
            { kind: 'subheading', text: `${theme.number}. ${theme.title}` },
            { kind: 'paragraph', text: counts(theme) },
            theme.actions.length
              ? {
                  kind: 'table',
                  caption: `Actions under theme ${theme.number}`,
                  header: ['No.', 'Action', 'Leads', 'Status', 'Latest progress'],
                  rows: theme.actions.map((x) => [
                    x.number,
                    x.action,
                    x.leads || '–',
                    { text: `${RAG_LABEL[x.rag]}${x.overdue ? ' (overdue)' : ''}`, rag: x.rag },
                    x.latestProgress ? `${longDate(x.latestProgress.on)}: ${x.latestProgress.text}` : 'No progress recorded.',
                  ]),
                  rowHeaders: true,
                }
              : { kind: 'paragraph', text: 'No actions under this theme.', style: 'empty' },
          ]),
        ]
      : [{ kind: 'paragraph', text: `No action plan covers ${report.year}.`, style: 'empty' }],
  });

  // 7. Delivery figures
  const d = report.delivery;
  const o = d.outreachTraining;
  const entered = d.quartersEntered;
  sections.push({
    heading: '7. Delivery figures',
    blocks: [
      figuresTable(d.referrals, report.year, 'Referring sector'),
      figuresTable(d.channel, report.year, 'Measure'),
      figuresTable(d.hateCrime, report.year, 'Measure'),
      { kind: 'paragraph', text: d.note, style: 'note' },
      ...(entered.length < 4
        ? [
            {
              kind: 'paragraph' as const,
              text: entered.length
                ? `Quarters entered: ${entered.map((q) => QUARTER_LABELS[q - 1] ?? `Q${q}`).join(', ')} (${entered.length} of 4); the figures cover those quarters only.`
                : 'No quarter’s figures have been entered for the year.',
              style: 'note' as const,
            },
          ]
        : []),
      { kind: 'paragraph', text: `Hate-crime reports per Prevent referral: ${d.hateCrimeReportsPerReferral === null ? 'not published (a total is suppressed)' : oneDecimal(d.hateCrimeReportsPerReferral)}.` },
      { kind: 'subheading', text: 'Training for audiences outside the authorities' },
      { kind: 'paragraph', text: `${num(o.events)} ${o.events === 1 ? 'event' : 'events'}, ${num(o.attendees)} attendees; rated good or excellent: ${pct(o.feedbackShare)}.` },
      o.byAudience.length
        ? { kind: 'table', caption: 'Outreach training by audience', header: ['Audience', 'Events', 'Attendees'], rows: o.byAudience.map((x) => [x.audience, num(x.events), num(x.attendees)]), rowHeaders: true }
        : { kind: 'paragraph', text: 'No outreach training recorded.', style: 'empty' },
      { kind: 'subheading', text: 'Communications and engagement' },
      d.communications.byKind.length
        ? { kind: 'table', caption: 'Communications by kind', header: ['Kind', 'Count', 'People reached'], rows: d.communications.byKind.map((x) => [KIND_LABEL[x.kind] ?? x.kind, num(x.count), num(x.reach)]), rowHeaders: true }
        : { kind: 'paragraph', text: 'No communications recorded.', style: 'empty' },
    ],
  });

  // 8. Recommendations
  const recs = n.recommendations;
  sections.push({
    heading: '8. Recommendations',
    blocks: recs.length
      ? [
          {
            kind: 'table',
            caption: 'Recommended actions, with the lead officer and key partners',
            header: ['Theme', 'Recommended action', 'Lead officer and key partners'],
            rows: recs.map((r) => [r.theme || '–', r.action, r.partners ? `${r.leadOfficer}\nPartners: ${r.partners}` : r.leadOfficer]),
            rowHeaders: false,
          },
        ]
      : [{ kind: 'paragraph', text: 'No recommendations written yet.', style: 'empty' }],
  });

  return { title, asAt: annualAsAtLine(report), sections, footer: `Generated ${generated} by Prevent duty compliance.` };
}
