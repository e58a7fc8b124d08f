import { reportCsv, reportHtml } from '../../domain/reports/formats';
import { reportService } from '../../domain/reports/service';
import { reportReader } from '../data/report-reader';
import { createHandler } from '../shared/http';
import { tenantDeps } from '../shared/deps';
import { RawResponse } from '../shared/responses';

/** The consolidated compliance report, from the report summaries (a bounded number of reads). */
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
});
