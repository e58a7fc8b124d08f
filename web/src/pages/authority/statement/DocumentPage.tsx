import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { ApiError, call } from '../../../api/client';
import { formatBytes, uploadFile, type UploadProgress } from '../../../api/upload';
import { useApi } from '../../../app/context';
import { ErrorSummary, fieldId } from '../../../components/ErrorSummary';
import { asApiError } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { Button, formatDate, NotificationBanner, SummaryList } from '../../../components/ui';
import { StatementTaskPage, type StatementPageContext, type Statement } from './statement-common';
import './statement.css';

/** What the API accepts (domain/statements/document.ts): checked here before anything is sent. */
export const DOCUMENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
};
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** The file's content type from its name (browsers leave `type` empty for some, e.g. ODT), or a problem in words. */
export function checkDocument(file: File | undefined): { contentType: string } | { problem: string } {
  if (!file) return { problem: 'Select the signed statement to upload' };
  const extension = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
  const contentType = DOCUMENT_TYPES[extension];
  if (!contentType) return { problem: `The selected file must be a PDF, DOCX or ODT document: ${file.name} is not` };
  if (file.size === 0) return { problem: `The selected file is empty: check that ${file.name} is the signed statement` };
  if (file.size > MAX_DOCUMENT_BYTES) return { problem: `The selected file must be smaller than 20 MB: ${file.name} is ${formatBytes(file.size)}` };
  return { contentType };
}

const FIELD = 'file';

/** The signed statement as a document: chosen, checked, uploaded straight to storage with its progress, then attached. */
export default function DocumentPage() {
  return <StatementTaskPage title={() => 'Signed document'}>{(ctx) => <DocumentForm ctx={ctx} />}</StatementTaskPage>;
}

type Stage = { step: 'idle' } | { step: 'uploading'; fileName: string; progress: UploadProgress } | { step: 'attaching'; fileName: string; progress: UploadProgress };

function DocumentForm({ ctx }: { ctx: StatementPageContext }) {
  const { id, year, statement, authorityName, isLead } = ctx;
  const api = useApi();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string>();
  const [stage, setStage] = useState<Stage>({ step: 'idle' });
  const [attached, setAttached] = useState<string>();

  const current = () =>
    queryClient.fetchQuery({ queryKey: ['statement', id, year], queryFn: () => call(api.GET('/authorities/{id}/statements/{year}', { params: { path: { id, year } } })), staleTime: 0 });

  const upload = useMutation({
    mutationFn: async ({ file, contentType }: { file: File; contentType: string }) => {
      const start = { loaded: 0, total: file.size };
      setStage({ step: 'uploading', fileName: file.name, progress: start });
      const presigned = await call(
        api.POST('/authorities/{id}/statements/{year}/document/upload-url', { params: { path: { id, year } }, body: { fileName: file.name, contentType, contentLength: file.size } }),
      );
      let last = start;
      await uploadFile(presigned, file, (progress) => {
        last = progress;
        setStage({ step: 'uploading', fileName: file.name, progress });
      });
      setStage({ step: 'attaching', fileName: file.name, progress: last });
      const attach = (against: Statement) =>
        call(api.POST('/authorities/{id}/statements/{year}/document', { params: { path: { id, year } }, body: { key: presigned.key, fileName: file.name, version: against.version } }));
      try {
        await attach(await current());
      } catch (e) {
        // Someone saved the draft meanwhile: attaching changes only the document, so attach to theirs.
        if (!(e instanceof ApiError && e.isConflict)) throw e;
        await attach(await current());
      }
      await queryClient.invalidateQueries({ queryKey: ['statement', id, year] });
      return file.name;
    },
    onSuccess: (fileName) => {
      setStage({ step: 'idle' });
      setAttached(fileName);
      if (input.current) input.current.value = '';
    },
    onError: (e) => {
      setStage({ step: 'idle' });
      const err = asApiError(e);
      setError(err.isNetwork ? `The document was not attached: ${err.message.replace(/^The file could not be sent\. /, '')}` : err.fieldErrors[0]?.message ?? err.message);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAttached(undefined);
    const file = input.current?.files?.[0];
    const checked = checkDocument(file);
    if ('problem' in checked) {
      setError(checked.problem);
      return;
    }
    setError(undefined);
    upload.mutate({ file: file!, contentType: checked.contentType });
  };

  const busy = stage.step !== 'idle';
  const percent = busy ? Math.floor((stage.progress.loaded / Math.max(1, stage.progress.total)) * 100) : 0;

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={error ? [{ path: FIELD, message: error }] : []} />
        {attached && (
          <NotificationBanner type="success">
            <p className="govuk-notification-banner__heading">{attached} is attached to the statement</p>
          </NotificationBanner>
        )}
        <PageTitle title="Signed document" caption={`${authorityName}: statement ${year}`} hasErrors={!!error} />
        <p className="govuk-body">Attach the statement as it was signed, so the steering group holds the signed copy with the answers. It is optional, but many partnerships ask for it.</p>
        {statement.document ? (
          <>
            <h2 className="govuk-heading-m">Attached document</h2>
            <SummaryList
              rows={[
                { key: 'File', value: statement.document.fileName },
                { key: 'Size', value: formatBytes(statement.document.size) },
                { key: 'Uploaded', value: formatDate(statement.document.uploadedAt) },
              ]}
            />
            <DownloadCurrent id={id} year={year} fileName={statement.document.fileName} />
          </>
        ) : (
          <p className="govuk-body">No signed document is attached yet.</p>
        )}
        {isLead ? (
          <form noValidate onSubmit={submit}>
            <h2 className="govuk-heading-m">{statement.document ? 'Replace it with another document' : 'Upload the signed document'}</h2>
            <div className={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
              <label className="govuk-label govuk-label--s" htmlFor={fieldId(FIELD)}>
                Signed statement
              </label>
              <div id={`${fieldId(FIELD)}-hint`} className="govuk-hint">
                A PDF, DOCX or ODT file, up to 20 MB
              </div>
              {error && (
                <p id={`${fieldId(FIELD)}-error`} className="govuk-error-message">
                  <span className="govuk-visually-hidden">Error:</span> {error}
                </p>
              )}
              <input
                ref={input}
                className={`govuk-file-upload${error ? ' govuk-file-upload--error' : ''}`}
                id={fieldId(FIELD)}
                name={FIELD}
                type="file"
                accept={`.pdf,.docx,.odt,${Object.values(DOCUMENT_TYPES).join(',')}`}
                aria-describedby={[`${fieldId(FIELD)}-hint`, error ? `${fieldId(FIELD)}-error` : ''].filter(Boolean).join(' ')}
                disabled={busy}
              />
            </div>
            {busy && (
              <div className="govuk-form-group">
                <progress className="app-upload-progress" max={100} value={percent} aria-label={`Upload of ${stage.fileName}`} />
              </div>
            )}
            <p className="govuk-body" role="status" aria-live="polite">
              {stage.step === 'uploading'
                ? `Uploading ${stage.fileName}: ${percent}% sent (${formatBytes(stage.progress.loaded)} of ${formatBytes(stage.progress.total)})`
                : stage.step === 'attaching'
                  ? `Uploaded ${stage.fileName}: 100% sent. Checking and attaching it…`
                  : attached
                    ? `Uploaded ${attached}: 100% sent, checked and attached.`
                    : ''}
            </p>
            <Button type="submit" pending={busy}>
              Upload and attach
            </Button>
          </form>
        ) : (
          <p className="govuk-body">Your Prevent lead uploads the signed document, once the statement has been signed off.</p>
        )}
      </div>
    </div>
  );
}

/** Asks the API for a short-lived link to the attached document, then goes there. */
function DownloadCurrent({ id, year, fileName }: { id: string; year: string; fileName: string }) {
  const api = useApi();
  const download = useMutation({
    mutationFn: () => call(api.GET('/authorities/{id}/statements/{year}/document/download-url', { params: { path: { id, year } } })),
    onSuccess: (link) => window.location.assign(link.url),
  });
  const error = download.error ? asApiError(download.error) : undefined;
  return (
    <>
      {error && (
        <p className="govuk-error-message" role="alert">
          <span className="govuk-visually-hidden">Error:</span> {error.message}
        </p>
      )}
      <Button variant="secondary" onClick={() => download.mutate()} pending={download.isPending}>
        Download {fileName}
      </Button>
    </>
  );
}
