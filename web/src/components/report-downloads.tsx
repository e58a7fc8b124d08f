import { TokenDownloads } from './token-downloads';

/**
 * The CSV and printable versions of the report. Both need the bearer token, so a plain link
 * cannot fetch them: the button fetches with the token and saves the body through a Blob URL.
 * The printable version is saved as a file rather than opened from a Blob URL in a new tab:
 * a blob: document inherits this app's Content-Security-Policy (style-src 'self'), which would
 * refuse the report's own inline styles; opened from disk it prints as designed.
 */
export function ReportDownloads({ year }: { year: string }) {
  const path = (format: string) => `/reports/consolidated?year=${encodeURIComponent(year)}&format=${format}`;
  return (
    <TokenDownloads
      what="the report"
      className="app-report-actions"
      downloads={[
        { key: 'csv', label: `Download CSV (${year})`, path: path('csv'), filename: `prevent-report-${year}.csv` },
        { key: 'html', label: 'Download printable version (HTML)', path: path('html'), filename: `prevent-report-${year}-printable.html` },
      ]}
    />
  );
}
