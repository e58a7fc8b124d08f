import { roundShare, toCsv, type CsvValue } from '../shared/csv';
import { SCORED_STATUSES, type ConsolidatedReport, type ReportRow } from './report';

/**
 * The report as CSV: one row per authority, stable column names (documented in the README),
 * written by the product's one CSV writer (domain/shared/csv.ts: no cell can run as a formula).
 */
export const BENCHMARK_COLUMNS = 10;

export const CSV_COLUMNS: { name: string; value: (r: ReportRow) => CsvValue }[] = [
  { name: 'authority_id', value: (r) => r.authorityId },
  { name: 'authority', value: (r) => r.name },
  { name: 'sector', value: (r) => r.sector },
  { name: 'type', value: (r) => r.type },
  { name: 'statement_status', value: (r) => r.statement.status },
  { name: 'statement_date', value: (r) => r.statement.date },
  { name: 'statement_version', value: (r) => r.statement.version },
  { name: 'statement_achieving_share', value: (r) => roundShare(r.statement.achievingShare) },
  ...Array.from({ length: BENCHMARK_COLUMNS }, (_, i) => ({ name: `score_benchmark_${i + 1}`, value: (r: ReportRow) => r.statement.scores[String(i + 1)] })),
  { name: 'training_coverage', value: (r) => roundShare(r.training.coverage) },
  { name: 'training_covered', value: (r) => r.training.covered },
  { name: 'training_headcount', value: (r) => r.training.headcount },
  { name: 'completions', value: (r) => r.training.completions },
  { name: 'people_trained', value: (r) => r.training.peopleTrained },
  { name: 'sessions', value: (r) => r.training.sessions },
  { name: 'session_attendees', value: (r) => r.training.attendees },
  { name: 'feedback_good_or_excellent_share', value: (r) => roundShare(r.training.feedbackShare) },
  { name: 'refreshers_overdue', value: (r) => r.training.refreshersOverdue },
  { name: 'it_filter_status', value: (r) => r.itFilter.status },
  { name: 'it_filter_reviewed_on', value: (r) => r.itFilter.lastReviewedOn },
  { name: 'it_filter_outcome', value: (r) => r.itFilter.outcome },
  { name: 'sop_version', value: (r) => r.sop.sopVersion },
  { name: 'sop_next_review', value: (r) => r.sop.nextReviewDate },
  { name: 'sop_review_overdue', value: (r) => r.sop.reviewOverdue },
  { name: 'obligations_not_yet_started', value: (r) => r.obligations.notYetStarted },
  { name: 'obligations_developing', value: (r) => r.obligations.developing },
  { name: 'obligations_achieving', value: (r) => r.obligations.achieving },
  { name: 'evidence_freshness', value: (r) => r.evidenceFreshness },
  { name: 'sop_last_reviewed_on', value: (r) => r.sop.lastReviewedOn },
  { name: 'it_filter_year_reviewed_on', value: (r) => r.itFilter.yearAssurance?.reviewedOn },
  { name: 'it_filter_year_outcome', value: (r) => r.itFilter.yearAssurance?.outcome },
  { name: 'actions_led', value: (r) => r.actions.led },
  { name: 'actions_overdue', value: (r) => r.actions.overdue },
];

/** The date the figures are taken at is on every row (`as_at`), since a CSV has nowhere else to say it. */
export function reportCsv(report: ConsolidatedReport): string {
  return toCsv(
    [...CSV_COLUMNS.map((c) => c.name), 'year', 'as_at'],
    report.rows.map((r) => [...CSV_COLUMNS.map((c) => c.value(r)), report.year, report.asAt]),
  );
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v * 100)}%`);
const signed = (v: number | null | undefined, asPct = false) => (v === null || v === undefined ? '' : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${asPct ? Math.round(Math.abs(v) * 100) + ' pts' : Math.abs(v).toLocaleString('en-GB')}`);
const signedOne = (v: number) => `${v > 0.05 ? '+' : v < -0.05 ? '−' : '±'}${Math.abs(Math.round(v * 10) / 10).toFixed(1)}`;
const SCORE_COLOURS = ['#b71c1c', '#e57373', '#fff59d', '#81c784', '#2e7d32'];
/** Only statements the steering group has received are scored on the heatmap: drafts and returned ones are still being written. */
const STATUS_LABEL: Record<string, string> = { missing: 'Missing', draft: 'Draft', submitted: 'Submitted', returned: 'Returned', accepted: 'Accepted' };

const longDate = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** When the figures are taken, and what the change compares. */
export function asAtLine(report: Pick<ConsolidatedReport, 'asAt' | 'previousAsAt' | 'partYear' | 'previousYear'>): string {
  return report.partYear
    ? `Figures as at ${longDate(report.asAt)}: a part year, compared with the whole of ${report.previousYear} (to ${longDate(report.previousAsAt)}).`
    : `Figures as at ${longDate(report.asAt)}, the end of the year; compared with ${report.previousYear} as at ${longDate(report.previousAsAt)}.`;
}

/** A printable page: totals, a heatmap of authorities × benchmarks, coverage bars, the details. */
export function reportHtml(report: ConsolidatedReport & { partnershipName?: string }): string {
  const t = report.totals;
  const ch = report.change;
  const benchmarks = Array.from({ length: BENCHMARK_COLUMNS }, (_, i) => String(i + 1));
  const generated = new Date(report.generatedAt).toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });
  const totals: [string, string, string][] = [
    ['People trained', t.peopleTrained.toLocaleString('en-GB'), signed(ch.peopleTrained)],
    ['Sessions delivered', t.sessions.toLocaleString('en-GB'), signed(ch.sessions)],
    ['Rated good or excellent', pct(t.feedbackShare), signed(ch.feedbackShare, true)],
    ['Statements accepted', `${t.statementsAccepted} of ${t.statementsExpected}`, signed(ch.statementsAccepted)],
    ['Training coverage', pct(t.coverage), signed(ch.coverage, true)],
    ['Overdue items', t.overdueItems.toLocaleString('en-GB'), signed(ch.overdueItems)],
  ];
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Consolidated Prevent compliance report ${esc(report.year)}</title>
<style>
  @page { size: A4 landscape; margin: 12mm; }
  body { font: 12px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a; margin: 24px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
  .meta { color: #555; margin-bottom: 16px; }
  .totals { display: grid; grid-template-columns: repeat(6, 1fr); gap: 8px; }
  .total { border: 1px solid #ccc; border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
  .total .v { font-size: 20px; font-weight: 600; } .total .c { color: #555; font-size: 11px; }
  table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d0d0d0; padding: 3px 6px; text-align: left; vertical-align: middle; }
  th { background: #f3f3f3; font-weight: 600; } tr { break-inside: avoid; }
  td.score { text-align: center; width: 26px; font-weight: 600; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .bar { position: relative; background: #eee; height: 12px; width: 160px; border-radius: 3px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .bar span { position: absolute; left: 0; top: 0; bottom: 0; background: #3b6ea5; border-radius: 3px; }
  .bar i { position: absolute; top: -2px; bottom: -2px; border-left: 2px solid #b71c1c; }
  .status-accepted { color: #2e7d32; } .status-returned, .status-missing { color: #b71c1c; } .overdue { color: #b71c1c; font-weight: 600; } .unscored { color: #555; font-style: italic; }
  .legend span { display: inline-block; width: 14px; height: 10px; margin: 0 2px 0 8px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
</style></head><body>
<h1>${esc(report.partnershipName ?? 'Prevent partnership')} — consolidated compliance report ${esc(report.year)}</h1>
<div class="meta">${esc(asAtLine(report))} Generated ${esc(generated)}.</div>
<div class="totals">${totals.map(([label, value, change]) => `<div class="total"><div>${esc(label)}</div><div class="v">${esc(value)}</div><div class="c">${change ? `${esc(change)} ${report.partYear ? `on the whole of ${esc(report.previousYear)}` : 'on last year'}` : 'no figure for last year'}</div></div>`).join('')}</div>
<h2>Benchmarks (Home Office 1–5; 3 = duty met)</h2>
<div class="legend">Score${[1, 2, 3, 4, 5].map((s) => `<span style="background:${SCORE_COLOURS[s - 1]}"></span>${s}`).join('')} · scores of submitted and accepted statements only (drafts and returned statements are still being written)</div>
<table><thead><tr><th>Authority</th><th>Statement</th>${benchmarks.map((b) => `<th>${b}</th>`).join('')}<th>Achieving</th></tr></thead><tbody>
${report.rows.map((r) => { const shown = SCORED_STATUSES.has(r.statement.status); return `<tr><td>${esc(r.name)}</td><td class="status-${r.statement.status}">${esc(STATUS_LABEL[r.statement.status])}${r.statement.version ? ` v${r.statement.version}` : ''}${!shown && Object.keys(r.statement.scores).length ? ' <span class="unscored">(scores not shown until submitted)</span>' : ''}</td>${benchmarks.map((b) => { const s = shown ? r.statement.scores[b] : undefined; return s ? `<td class="score" style="background:${SCORE_COLOURS[s - 1]}">${s}</td>` : '<td class="score"></td>'; }).join('')}<td>${shown ? pct(r.statement.achievingShare) : '–'}</td></tr>`; }).join('\n')}
</tbody></table>
<h2>Training coverage against each authority's plan (target ${pct(report.coverageTarget)})</h2>
<table><thead><tr><th>Authority</th><th>Coverage</th><th></th><th>People trained</th><th>Sessions</th><th>Attendees</th><th>Good/excellent</th><th>Refreshers overdue</th></tr></thead><tbody>
${report.rows.map((r) => `<tr><td>${esc(r.name)}</td><td><div class="bar"><span style="width:${Math.round((r.training.coverage ?? 0) * 100)}%"></span><i style="left:${Math.round(report.coverageTarget * 100)}%"></i></div></td><td>${pct(r.training.coverage)} (${r.training.covered}/${r.training.headcount})</td><td>${r.training.peopleTrained}</td><td>${r.training.sessions}</td><td>${r.training.attendees}</td><td>${pct(r.training.feedbackShare)}</td><td class="${r.training.refreshersOverdue ? 'overdue' : ''}">${r.training.refreshersOverdue}</td></tr>`).join('\n')}
</tbody></table>
<h2>Self-assessment beside the Home Office assessment</h2>
<p>${report.assessmentYear ? `Home Office scores from its assessment of ${esc(report.assessmentYear)}.` : `No Home Office assessment is recorded for ${esc(report.year)} or an earlier year.`} Authorities’ mean: submitted and accepted statements that score the benchmark.</p>
<table><thead><tr><th>Benchmark</th><th>Authorities’ mean</th><th>Home Office</th><th>Target</th><th>Gap</th></tr></thead><tbody>
${report.benchmarks.map((b) => `<tr><td>${b.benchmark}. ${esc(b.name)}</td><td>${b.selfAverage === null ? '–' : `${b.selfAverage.toFixed(1)} (${b.selfCount})`}</td><td>${b.homeOffice ?? '–'}</td><td>${b.target ?? '–'}</td><td>${b.selfAverage === null || b.homeOffice === undefined ? '–' : signedOne(b.selfAverage - b.homeOffice)}</td></tr>`).join('\n')}
</tbody></table>
<h2>Action plan</h2>
${report.actionPlan ? `<p>${esc(report.actionPlan.title)}, ${esc(report.actionPlan.year)}: ${report.actionPlan.totals.total} actions, ${report.actionPlan.totals.overdue} overdue (as at ${esc(report.actionPlan.asAt)}).</p>
<table><thead><tr><th>Theme</th><th>Red</th><th>Amber</th><th>Green</th><th>Complete</th><th>Overdue</th></tr></thead><tbody>
${report.actionPlan.byTheme.map((t) => `<tr><td>${t.number}. ${esc(t.title)}</td><td>${t.red}</td><td>${t.amber}</td><td>${t.green}</td><td>${t.complete}</td><td class="${t.overdue ? 'overdue' : ''}">${t.overdue}</td></tr>`).join('\n')}
</tbody></table>` : `<p>No action plan covers ${esc(report.year)}.</p>`}
<h2>SOP, obligations and IT-filter assurance (as at ${esc(report.asAt)})</h2>
<table><thead><tr><th>Authority</th><th>Sector</th><th>SOP</th><th>Next review</th><th>Obligations (not started / developing / achieving)</th><th>IT filter</th><th>Oldest evidence</th><th>Actions led (overdue)</th></tr></thead><tbody>
${report.rows.map((r) => `<tr><td>${esc(r.name)}</td><td>${esc(r.sector)}</td><td>${r.sop.present ? `v${esc(r.sop.sopVersion)}${r.sop.lastReviewedOn ? `, reviewed ${esc(r.sop.lastReviewedOn)}` : ''}` : '<span class="overdue">none in force</span>'}</td><td class="${r.sop.reviewOverdue ? 'overdue' : ''}">${esc(r.sop.nextReviewDate ?? '–')}${r.sop.reviewOverdue ? ' (overdue)' : ''}</td><td>${r.obligations.notYetStarted} / ${r.obligations.developing} / ${r.obligations.achieving}</td><td class="${r.itFilter.status === 'overdue' || r.itFilter.status === 'missing' ? 'overdue' : ''}">${esc(r.itFilter.status)}${r.itFilter.lastReviewedOn ? `, ${esc(r.itFilter.lastReviewedOn)}` : ''}${r.itFilter.outcome ? ` (${esc(r.itFilter.outcome)})` : ''}${r.itFilter.yearAssurance ? (r.itFilter.yearAssurance.reviewedOn !== r.itFilter.lastReviewedOn ? `; ${esc(report.year)} assurance ${esc(r.itFilter.yearAssurance.reviewedOn)} (${esc(r.itFilter.yearAssurance.outcome)})` : '') : `; none recorded for ${esc(report.year)}`}</td><td>${esc(r.evidenceFreshness ?? '–')}</td><td class="${r.actions.overdue ? 'overdue' : ''}">${r.actions.led} (${r.actions.overdue})</td></tr>`).join('\n')}
</tbody></table>
</body></html>`;
}
