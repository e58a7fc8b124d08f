import { useState } from 'react';
import { useServices } from '../app/context';

type Format = 'csv' | 'html';

/**
 * The CSV and printable versions of the report. Both need the bearer token, so a plain link
 * cannot fetch them: the button fetches with the token and saves the body through a Blob URL.
 * The printable version is saved as a file rather than opened from a Blob URL in a new tab:
 * a blob: document inherits this app's Content-Security-Policy (style-src 'self'), which would
 * refuse the report's own inline styles; opened from disk it prints as designed.
 */
export function ReportDownloads({ year }: { year: string }) {
  const { auth, config } = useServices();
  const [pending, setPending] = useState<Format | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function download(format: Format) {
    setPending(format);
    setError(undefined);
    try {
      const token = await auth.idToken();
      const response = await fetch(`${config.apiUrl}/reports/consolidated?year=${encodeURIComponent(year)}&format=${format}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      if (response.status === 401) {
        await auth.forget();
        setError('Your session has ended. Sign in again to download the report.');
        return;
      }
      if (!response.ok) {
        setError(`The report could not be downloaded (the service answered ${response.status}). Try again.`);
        return;
      }
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `prevent-report-${year}${format === 'html' ? '-printable.html' : '.csv'}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      setError('The service could not be reached. Check your connection and try again.');
    } finally {
      setPending(undefined);
    }
  }

  return (
    <>
      {error && (
        <div className="govuk-error-summary" role="alert">
          <h2 className="govuk-error-summary__title">There is a problem</h2>
          <div className="govuk-error-summary__body">
            <p className="govuk-body">{error}</p>
          </div>
        </div>
      )}
      <div className="govuk-button-group app-report-actions">
        <button type="button" className="govuk-button govuk-button--secondary" data-module="govuk-button" disabled={!!pending} aria-disabled={!!pending || undefined} onClick={() => void download('csv')}>
          {pending === 'csv' ? 'Downloading…' : `Download CSV (${year})`}
        </button>
        <button type="button" className="govuk-button govuk-button--secondary" data-module="govuk-button" disabled={!!pending} aria-disabled={!!pending || undefined} onClick={() => void download('html')}>
          {pending === 'html' ? 'Downloading…' : 'Download printable version (HTML)'}
        </button>
      </div>
    </>
  );
}
