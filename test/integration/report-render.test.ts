import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../domain/reports/formats';
import { buildReport } from '../../domain/reports/report';

/**
 * The printable report renders in a real headless Chromium (Debian's package; .ci/run
 * installs it). Rendered from a fixed report, so the page does not depend on a database.
 */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function fixture() {
  const authorities = [
    { id: 'opcc', name: 'Office of the Police and Crime Commissioner', sector: 'police', type: 'opcc' },
    { id: 'council', name: 'Riverside <District> Council', sector: 'local-government', type: 'district-council' },
  ] as never[];
  const current = new Map([
    ['opcc', { authorityId: 'opcc', coverage: [{ roleId: 'staff', headcount: 10, coveredChanges: { '2025-05-01': 8 } }], overdueChanges: { '2025-01-01': 2 }, lastCompletionByYear: { '2025-26': '2025-11-01' }, obligations: { 'not-yet-started': 1, developing: 2, achieving: 3 }, obligationsSettledOn: '2025-06-01', obligationsAtYearEnd: {}, sopVersions: [{ from: '2024-10-01', version: 1, sopVersion: '1.0', nextReviewDate: '2026-10-01', implementationDate: '2024-10-01' }], itFilters: [{ year: '2025-26', reviewedOn: '2025-09-01', outcome: 'assured' }] }],
  ]);
  const years = new Map([['2025-26', new Map([['opcc', { authorityId: 'opcc', year: '2025-26', completions: 12, peopleTrained: 9, sessions: 2, attendees: 40, feedbackRespondents: 20, feedbackGoodOrExcellent: 19, statement: { status: 'accepted', version: 2, date: '2025-12-01', scores: { '1': 3, '7': 4 }, achieving: 20, applicable: 30 } }]])]]);
  return reportHtml({ ...buildReport({ year: '2025-26', today: '2025-12-31', now: new Date('2025-12-31T10:00:00Z'), coverageTarget: 0.85, authorities, current: current as never, years: years as never }), partnershipName: 'Test Partnership' });
}

describe.skipIf(!CHROMIUM)('the printable report in headless Chromium', () => {
  it('renders: the DOM has the heatmap, bars and totals, and a screenshot is a real picture', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const page = join(dir, 'report.html');
    writeFileSync(page, fixture());
    const dom = execFileSync(CHROMIUM!, [...FLAGS, `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(dom).toContain('Test Partnership — consolidated compliance report 2025-26');
    expect(dom).toContain('Riverside &lt;District&gt; Council');
    expect(dom.match(/class="score"/g)?.length).toBeGreaterThanOrEqual(20);
    expect(dom).toContain('class="bar"');
    const png = join(dir, 'report.png');
    execFileSync(CHROMIUM!, [...FLAGS, `--user-data-dir=${join(dir, 'profile2')}`, '--window-size=1200,900', `--screenshot=${png}`, `file://${page}`], { timeout: 60_000, stdio: 'ignore' });
    const bytes = readFileSync(png);
    expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  }, 90_000);
});
