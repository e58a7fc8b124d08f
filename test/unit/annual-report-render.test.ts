import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AnnualReport } from '../../domain/reports/annual';
import { annualReportDocx } from '../../domain/reports/annual-docx';
import { annualReportHtml } from '../../domain/reports/annual-html';

const NOTE = 'Counts from 1 to 4 are shown as "<5", and a total that would let them be worked out is shown as "[c]" (small-number suppression; the figures are OFFICIAL-SENSITIVE).';

const cell = (text: string) => (/^\d+$/.test(text) ? { text, value: Number(text) } : { text });

function fullReport(): AnnualReport {
  return {
    year: '2024-25',
    partnershipName: 'Warwickshire Prevent Partnership',
    asAt: '2025-03-31',
    partYear: false,
    generatedAt: '2025-05-12T09:30:00.000Z',
    narrative: {
      introduction:
        'In the last annual report we highlighted the early effects of the pandemic on Prevent & its partners.\n\nThis report covers April 2024 to March 2025. A test of escaping: <script>alert("x")</script> must stay text.',
      highlights: 'Prevent Ambassadors trained in every police team.\n\nSafe & Secure project restarted with faith groups.',
      recommendations: [
        { theme: '1. Community and voluntary sector engagement', action: 'Review the opportunities for further community engagement.', leadOfficer: 'Prevent Partnership Officer', partners: 'CAVA; EQuIP' },
        { theme: '2. Leadership, governance and accountability', action: 'Continue to use the Home Office self-assessment tools.', leadOfficer: 'Chair of the Prevent Steering Group' },
      ],
      version: 3,
      updatedAt: '2025-04-20T10:00:00.000Z',
    },
    training: {
      authorities: 8,
      peopleTrained: 1234,
      completions: 1410,
      sessions: 57,
      attendees: 902,
      feedbackShare: 0.953,
      coverage: 0.78,
      coverageTarget: 0.8,
      authoritiesMeetingTarget: 5,
      previousYear: '2023-24',
      previousPeopleTrained: 1100,
      previousCoverage: 0.71,
    },
    statements: { expected: 8, byStatus: { missing: 1, draft: 1, submitted: 2, returned: 0, accepted: 4 } },
    benchmarks: [
      { benchmark: 1, name: 'Partnership and leadership', selfAverage: 3.4, selfCount: 6, homeOffice: 3, target: 4 },
      { benchmark: 2, name: 'Risk assessment', selfAverage: 2.5, selfCount: 6, homeOffice: 3.1, target: 3 },
      { benchmark: 3, name: 'Action plan', selfAverage: null, selfCount: 0 },
    ],
    assessment: {
      year: '2023-24',
      assessedOn: '2024-02-14',
      strengths: [{ benchmark: 1, name: 'Partnership and leadership', text: 'A strong, well-attended steering group.' }],
      developmentAreas: [{ text: 'Extend training to commissioned services.' }],
    },
    compliance: {
      itFilter: { current: 5, dueSoon: 1, overdue: 1, missing: 1 },
      sop: { inForce: 7, reviewOverdue: 2, none: 1 },
      obligations: { notYetStarted: 3, developing: 11, achieving: 26 },
      overdueItems: 9,
    },
    actionPlan: {
      planId: 'plan-1',
      title: 'Warwickshire Prevent Action Plan 2024–27',
      year: '2024-25',
      asAt: '2025-03-31',
      totals: { red: 1, amber: 1, green: 1, complete: 1, total: 4, overdue: 1 },
      byTheme: [],
      byBenchmark: [],
      byLead: [],
      themes: [
        {
          number: 1,
          title: 'Community and voluntary sector engagement',
          red: 1,
          amber: 1,
          green: 0,
          complete: 0,
          total: 2,
          overdue: 1,
          actions: [
            { number: '1.1', action: 'Form a Prevent network across communities', leads: 'Warwickshire County Council; Faiths Forum', rag: 'red', overdue: true, latestProgress: { on: '2025-01-15', text: 'Venue found; first meeting postponed.' } },
            { number: '1.2', action: 'Restart the Safe and Secure project', leads: 'Warwick Inter-Faith Network', rag: 'amber', overdue: false },
          ],
        },
        {
          number: 4,
          title: 'Safe Education',
          red: 0,
          amber: 0,
          green: 1,
          complete: 1,
          total: 2,
          overdue: 0,
          actions: [
            { number: '4.1', action: 'Prevent awareness for school governors', leads: 'Education Safeguarding', rag: 'green', overdue: false, latestProgress: { on: '2025-03-02', text: 'Three sessions held.' } },
            { number: '4.2', action: 'Review the IT filter checklist with schools', leads: 'Education Safeguarding', rag: 'complete', overdue: false },
          ],
        },
      ],
    },
    delivery: {
      year: '2024-25',
      quartersEntered: [1, 2, 3],
      note: NOTE,
      referrals: {
        title: 'Prevent referrals received, by referring sector',
        rows: [
          { key: 'education', label: 'Education' },
          { key: 'police', label: 'Police' },
          { key: 'health', label: 'Health' },
        ],
        columns: [],
        cells: [[], [], []],
        rowTotals: [cell('17'), cell('<5'), cell('[c]')],
        grandTotal: cell('29'),
      },
      channel: {
        title: 'Channel panel',
        rows: [
          { key: 'adopted', label: 'Referrals adopted by the Channel panel' },
          { key: 'opened', label: 'Channel cases opened' },
          { key: 'closed', label: 'Channel cases closed' },
        ],
        columns: [],
        cells: [[], [], []],
        rowTotals: [cell('6'), cell('<5'), cell('[c]')],
      },
      hateCrime: { title: 'Hate-crime reports', rows: [{ key: 'hate-crime', label: 'Hate-crime reports' }], columns: [], cells: [[]], rowTotals: [cell('73')] },
      hateCrimeReportsPerReferral: 2.5,
      outreachTraining: { events: 11, attendees: 214, feedbackShare: 0.96, byAudience: [{ audience: 'Taxi drivers', events: 6, attendees: 140 }, { audience: 'Faith leaders', events: 5, attendees: 74 }] },
      communications: { byKind: [{ kind: 'newsletter', count: 4, reach: 3200 }, { kind: 'social-media', count: 22, reach: 15400 }] },
    },
  };
}

function emptyReport(): AnnualReport {
  const r = fullReport();
  const { actionPlan: _plan, assessment: _assessment, ...rest } = r;
  return {
    ...rest,
    partYear: true,
    asAt: '2024-11-05',
    narrative: { introduction: '', highlights: '', recommendations: [], version: 0 },
    delivery: { ...r.delivery, quartersEntered: [], hateCrimeReportsPerReferral: null },
  };
}

const HEADINGS = [
  '1. Introduction',
  '2. Highlights',
  '3. Training across the partnership',
  '4. Assurance statements and benchmarks',
  '5. Compliance',
  '6. Action plan progress by theme',
  '7. Delivery figures',
  '8. Recommendations',
];

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');

/** The .docx opened back: its parts, and the body's text (one line per paragraph, the runs of a paragraph joined). */
async function openDocx(report: AnnualReport) {
  const bytes = await annualReportDocx(report);
  expect(bytes).toBeInstanceOf(Uint8Array);
  const files = unzipSync(bytes);
  const xml = strFromU8(files['word/document.xml']);
  const text = xml
    .split(/<\/w:p>/)
    .map((p) => decode([...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')))
    .filter(Boolean);
  return { files, xml, text, all: text.join('\n'), core: strFromU8(files['docProps/core.xml']) };
}

/** The visible text of the page, tags stripped and entities decoded. */
const htmlText = (html: string) => decode(html.replace(/<style[\s\S]*?<\/style>/, '').replace(/<br>/g, '\n').replace(/<[^>]+>/g, ' ').replace(/[ \t]+/g, ' '));

describe('the annual report as HTML', () => {
  it('is a complete, accessible page with every key figure, the suppressed cells escaped, the narrative escaped and no script', () => {
    expect(AnnualReport.safeParse(fullReport()).success).toBe(true);
    const html = annualReportHtml(fullReport());
    expect(html).toMatch(/^<!doctype html>\s*<html lang="en-GB">/);
    expect(html).toContain('<title>Warwickshire Prevent Partnership — Prevent annual report 2024-25</title>');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(html).toContain('@page { size: A4');
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Prevent &amp; its partners');
    expect(html).toContain('&lt;5');
    expect(html).toContain('[c]');
    expect(html).toContain(NOTE.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'));
    expect(html).toContain('<th scope="col">');
    expect(html).toContain('<th scope="row">');
    expect(html.match(/<caption>/g)!.length).toBeGreaterThan(8);

    const text = htmlText(html);
    expect(text).toContain('Figures as at 31 March 2025, the end of the year');
    for (const figure of ['1,234', '1,410', '57', '902', 'Rated good or excellent 95%', '78% (target 80%)', '5 of 8', '+134', '1,100', '3.4 (of 6)', '+0.4', '−0.6', '29', '17', '73', '2.5', '214', '15,400'])
      expect(text, figure).toContain(figure);
    expect(text).toContain('Overdue items across the partnership: 9.');
    expect(text).toContain('Partnership and leadership: A strong, well-attended steering group.');
    expect(text).toContain('Home Office assessment 2023-24');
    expect(text).toMatch(/All sectors\s+29/);
    expect(text).toContain('Hate-crime reports per Prevent referral: 2.5.');
    expect(text).toContain('Quarters entered: Q1 (Apr–Jun), Q2 (Jul–Sep), Q3 (Oct–Dec) (3 of 4)');
    // the note sits right under the figures' tables
    expect(text.indexOf(NOTE)).toBeGreaterThan(text.search(/Hate-crime reports\s+73/));
    expect(text.search(/Hate-crime reports\s+73/)).toBeGreaterThan(0);
    expect(text.indexOf(NOTE)).toBeLessThan(text.indexOf('Training for audiences outside the authorities'));
    // paragraphs split on blank lines
    expect(html).toContain('<p>Prevent Ambassadors trained in every police team.</p>\n<p>Safe &amp; Secure project restarted with faith groups.</p>');

    // the action plan: status in words, overdue in words
    expect(text).toContain('1. Community and voluntary sector engagement');
    expect(text).toContain('4. Safe Education');
    expect(text).toMatch(/1\.1\s+Form a Prevent network across communities\s+Warwickshire County Council; Faith/);
    expect(text).toContain('Red (overdue)');
    for (const s of ['Amber', 'Green', 'Complete']) expect(text).toContain(s);
    expect(text).toContain('15 January 2025: Venue found; first meeting postponed.');

    // recommendations
    expect(html).toContain('<th scope="col">Lead officer and key partners</th>');
    expect(text).toContain('Prevent Partnership Officer\nPartners: CAVA; EQuIP');
    expect(text).toContain('Generated 12 May 2025');

    // sections in order
    const at = HEADINGS.map((h) => html.indexOf(`<h2>${h}</h2>`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html.indexOf('<h1>')).toBeLessThan(at[0]);
  });

  it('renders an empty narrative, no plan and no assessment, and says so', () => {
    const html = annualReportHtml(emptyReport());
    const text = htmlText(html);
    expect(text).toContain('No introduction written yet.');
    expect(text).toContain('No highlights written yet.');
    expect(text).toContain('No action plan covers 2024-25.');
    expect(text).toContain('No Home Office assessment is recorded');
    expect(text).toContain('No recommendations written yet.');
    expect(text).toContain('not published (a total is suppressed)');
    expect(text).toContain('No quarter’s figures have been entered for the year.');
    expect(text).toContain('Figures as at 5 November 2024: a part year');
    for (const h of HEADINGS) expect(html).toContain(`<h2>${h}</h2>`);
  });
});

describe('the annual report as a Word document, opened back', () => {
  it('holds the same figures, headings, tables and recommendations as text, with the title in its properties', async () => {
    const { xml, text, all, core } = await openDocx(fullReport());
    expect(core).toContain('<dc:title>Warwickshire Prevent Partnership — Prevent annual report 2024-25</dc:title>');
    expect(core).toContain('Prevent duty compliance');

    // real Word headings, in order
    expect(xml).toContain('w:val="Title"');
    const headingTexts = [...xml.matchAll(/<w:p>(?:(?!<\/w:p>).)*?<w:pStyle w:val="Heading1"\/>(?:(?!<\/w:p>).)*?<\/w:p>/gs)].map((m) => decode([...m[0].matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join('')));
    expect(headingTexts).toEqual(HEADINGS);
    expect(xml).toContain('w:val="Heading2"');
    expect(text[0]).toBe('Warwickshire Prevent Partnership — Prevent annual report 2024-25');

    // real tables with a header row
    expect(xml).toContain('<w:tbl>');
    expect(xml).toContain('<w:tblHeader');

    for (const figure of ['1,234', '78% (target 80%)', '5 of 8', '+134', '3.4 (of 6)', '+0.4', '−0.6', '29', '17', '6', '73', '2.5', '15,400']) expect(all, figure).toContain(figure);
    // each table's year totals, suppressed as published
    const referralRows = text.slice(text.indexOf('Prevent referrals received, by referring sector'));
    expect(referralRows.slice(1, 20).join('|')).toContain('Education|17|Police|<5|Health|[c]|All sectors|29');
    const channelRows = text.slice(text.indexOf('Channel panel'));
    expect(channelRows.slice(1, 12).join('|')).toContain('Referrals adopted by the Channel panel|6|Channel cases opened|<5|Channel cases closed|[c]');
    expect(text.slice(text.lastIndexOf('Hate-crime reports')).slice(0, 4).join('|')).toContain('Hate-crime reports|73');
    expect(xml).toContain('&lt;5');
    expect(all).toContain(NOTE);

    // the narrative kept as text
    expect(all).toContain('A test of escaping: <script>alert("x")</script> must stay text.');
    expect(text).toContain('Prevent Ambassadors trained in every police team.');

    // actions: numbers and statuses in words
    for (const s of ['1.1', '1.2', '4.1', '4.2', 'Red (overdue)', 'Amber', 'Green', 'Complete']) expect(text, s).toContain(s);
    expect(text).toContain('1. Community and voluntary sector engagement');
    expect(text).toContain('4. Safe Education');

    // recommendations: lead officer, then partners
    expect(text).toContain('Lead officer and key partners');
    expect(all).toContain('Prevent Partnership OfficerPartners: CAVA; EQuIP');
    expect(text).toContain('Chair of the Prevent Steering Group');
    expect(all).toContain('Generated 12 May 2025');
  });

  it('renders an empty narrative, no plan and no assessment, and says so', async () => {
    const { text, all } = await openDocx(emptyReport());
    for (const s of ['No introduction written yet.', 'No action plan covers 2024-25.', 'No recommendations written yet.']) expect(text).toContain(s);
    expect(all).toContain('No Home Office assessment is recorded');
    expect(all).toContain('not published (a total is suppressed)');
    for (const h of HEADINGS) expect(text).toContain(h);
  });
});
