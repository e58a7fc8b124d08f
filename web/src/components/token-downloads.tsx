import { useState } from 'react';
import { useServices } from '../app/context';

/**
 * Downloads that need the bearer token (a plain link cannot send it): fetched with the token and
 * saved through a Blob URL. Used by the consolidated report, the delivery figures and the annual report.
 * A printable HTML page is saved rather than opened from a Blob URL: a blob: document would
 * inherit this app's Content-Security-Policy and lose the page's own inline styles.
 */
export interface Download {
  key: string;
  label: string;
  /** The API path and query, e.g. /reports/annual?year=2025-26&format=docx */
  path: string;
  filename: string;
}

export function TokenDownloads({ downloads, what, className = 'app-downloads' }: { downloads: readonly Download[]; what: string; className?: string }) {
  const { auth, config } = useServices();
  const [pending, setPending] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function download(d: Download) {
    setPending(d.key);
    setError(undefined);
    try {
      const token = await auth.idToken();
      const response = await fetch(`${config.apiUrl}${d.path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (response.status === 401) {
        await auth.forget();
        setError(`Your session has ended. Sign in again to download ${what}.`);
        return;
      }
      if (!response.ok) {
        setError(`${what[0].toUpperCase()}${what.slice(1)} could not be downloaded (the service answered ${response.status}). Try again.`);
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = d.filename;
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
      <div className={`govuk-button-group ${className}`}>
        {downloads.map((d) => (
          <button
            key={d.key}
            type="button"
            className="govuk-button govuk-button--secondary"
            data-module="govuk-button"
            disabled={!!pending}
            aria-disabled={!!pending || undefined}
            onClick={() => void download(d)}
          >
            {pending === d.key ? 'Downloading…' : d.label}
          </button>
        ))}
      </div>
    </>
  );
}
