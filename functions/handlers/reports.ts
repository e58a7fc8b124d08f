import { annualReportDocx } from '../../domain/reports/annual-docx';
import { annualReportHtml } from '../../domain/reports/annual-html';
import { annualService } from '../../domain/reports/annual-service';
import { reportCsv, reportHtml } from '../../domain/reports/formats';
import { reportService } from '../../domain/reports/service';
import { reportReader } from '../data/report-reader';
import { narrativeRepository } from '../data/steering-repositories';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import { RawResponse } from '../shared/responses';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The consolidated compliance report and the annual report, from the report summaries and the steering group's records (a bounded number of reads). */
export const handler = createHandler('reports', {
  consolidatedReport: async ({ caller, query }) => {
    const { table, clock } = tenantDeps(caller);
    const report = await reportService({ reader: reportReader(table), clock }).consolidated(caller, query.year);
    if (query.format === 'csv') {
      return new RawResponse('text/csv; charset=utf-8', reportCsv(report), { 'content-disposition': `attachment; filename="prevent-compliance-${report.year}.csv"` });
    }
    if (query.format === 'html') return new RawResponse('text/html; charset=utf-8', reportHtml(report));
    return report;
  },
  annualReport: async ({ caller, query }) => {
    const { table, clock } = tenantDeps(caller);
    const report = await annualService({ reports: reportService({ reader: reportReader(table), clock }), narratives: narrativeRepository(table) }).annual(caller, query.year);
    if (query.format === 'html') return new RawResponse('text/html; charset=utf-8', annualReportHtml(report));
    if (query.format === 'docx') {
      return new RawResponse(DOCX, await annualReportDocx(report), { 'content-disposition': `attachment; filename="prevent-annual-report-${report.year}.docx"` });
    }
    return report;
  },
});
