import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, call } from '../../../api/client';
import { formatBytes, uploadFile, type UploadProgress } from '../../../api/upload';
import { useApi } from '../../../app/context';
import { ErrorSummary, fieldId } from '../../../components/ErrorSummary';
import { asApiError, useFormErrors } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, LoadError, Loading } from '../../../components/ui';
import { useAuthorityId, useImportMapping, usePlan, useTrainingAbilities, type ImportJob, type ImportMapping, type Plan } from './common';
import { checkFile, isXlsxName, previewFile, rememberFile, XLSX_TYPE, type Preview } from './file-preview';
import { ImportHistory } from './ImportHistory';
import { MatchColumns, needsMatching } from './MatchColumns';
import './training.css';

type Step = { kind: 'choose' } | { kind: 'match'; file: File; preview: Preview } | { kind: 'upload'; file: File; preview?: Preview };

/** Import completions from a learning system's export: choose, (match columns), upload, then the job's page. */
export default function Import() {
  const id = useAuthorityId();
  const can = useTrainingAbilities(id);
  const plan = usePlan(id);
  const mapping = useImportMapping(id, can.edits);
  if (!can.edits)
    return (
      <>
        <BackLink to={`/authorities/${id}/training`} />
        <PageTitle title="Import training records" />
        <p className="govuk-body">Your role can see this authority’s imports but not start one.</p>
        <ImportHistory authorityId={id} />
      </>
    );
  const failed = [plan, mapping].find((q) => q.error);
  if (failed) return <LoadError error={failed.error} retry={() => void failed.refetch()} />;
  if (plan.isPending || mapping.isPending) return <Loading what="Loading" />;
  return <ImportSteps authorityId={id} plan={plan.data!} mapping={mapping.data!} />;
}

function ImportSteps({ authorityId, plan, mapping }: { authorityId: string; plan: Plan; mapping: ImportMapping }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const form = useFormErrors();

  const upload = useMutation({
    mutationFn: async ({ file, preview }: { file: File; preview?: Preview }) => {
      setProgress({ loaded: 0, total: file.size });
      const contentType = isXlsxName(file.name) ? XLSX_TYPE : 'text/csv';
      const presigned = await call(api.POST('/authorities/{id}/imports/uploads', { params: { path: { id: authorityId } }, body: { contentType, contentLength: file.size } }));
      await uploadFile(presigned, file, setProgress);
      const job = (await call(api.POST('/authorities/{id}/imports', { params: { path: { id: authorityId } }, body: { key: presigned.key } }))) as unknown as ImportJob;
      if (preview) rememberFile(job.importId, preview);
      return job;
    },
    onSuccess: async (job) => {
      await queryClient.invalidateQueries({ queryKey: ['imports', authorityId] });
      navigate(`/authorities/${authorityId}/training/imports/${job.importId}`);
    },
    onError: (error) => {
      setProgress(null);
      form.setError(asApiError(error));
    },
  });

  async function choose(event: FormEvent) {
    event.preventDefault();
    form.clear();
    if (!file) return form.setError(new ApiError(400, 'Select a file', undefined, [{ path: 'file', message: 'Select the file to import' }]));
    const problem = checkFile(file);
    if (problem) return form.setError(new ApiError(400, problem, undefined, [{ path: 'file', message: problem }]));
    let preview: Preview | undefined;
    try {
      preview = await previewFile(file, mapping.columns);
    } catch {
      // Unreadable here: the API reads it by its own rules and says what is wrong.
      preview = undefined;
    }
    if (preview && preview.rows.length <= preview.headerAt + 1) {
      const message = 'The file has no rows below its header. Check you chose the right file.';
      return form.setError(new ApiError(400, message, undefined, [{ path: 'file', message }]));
    }
    if (preview && needsMatching(preview, plan, mapping)) return setStep({ kind: 'match', file, preview });
    setStep({ kind: 'upload', file, preview });
    upload.mutate({ file, preview });
  }

  const drop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files?.[0];
    if (dropped) setFile(dropped);
  };

  if (step.kind === 'match') {
    return (
      <MatchColumns
        authorityId={authorityId}
        plan={plan}
        mapping={mapping}
        file={step.file}
        preview={step.preview}
        onBack={() => setStep({ kind: 'choose' })}
        onSaved={(preview) => {
          setStep({ kind: 'upload', file: step.file, preview });
          upload.mutate({ file: step.file, preview });
        }}
      />
    );
  }

  const errors = form.errors.map((e) => (e.path === '' ? { ...e, path: 'file' } : e));
  const fileError = errors.find((e) => e.path === 'file')?.message;
  const uploading = upload.isPending;
  const percent = progress && progress.total ? Math.round((progress.loaded / progress.total) * 100) : 0;
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <BackLink to={`/authorities/${authorityId}/training`} />
        {errors.length > 0 && <ErrorSummary errors={errors} />}
        <PageTitle title="Import training records" hasErrors={errors.length > 0} />
        <p className="govuk-body">
          Import the completions your learning system exports: one row for each person and course, with the staff reference, the course and the date it was completed. Rows already recorded are
          counted, not stored twice, so you can import the same export again.
        </p>
        <details className="govuk-details">
          <summary className="govuk-details__summary">
            <span className="govuk-details__summary-text">Which files can I import?</span>
          </summary>
          <div className="govuk-details__text">
            <ul className="govuk-list govuk-list--bullet">
              <li>CSV separated by commas, semicolons, tabs or pipes, saved as UTF-8, UTF-16 or Windows-1252 (what Excel saves on UK Windows)</li>
              <li>Excel workbooks (.xlsx): the first sheet with recognised headers</li>
              <li>up to 50 MB and 100,000 rows</li>
              <li>dates as 31/03/2026 or 2026-03-31</li>
            </ul>
            <p className="govuk-body">If your columns have other names, or your job titles are not the roles of your training plan, you will be asked to match them. The matches are saved for next time.</p>
          </div>
        </details>
        <form noValidate onSubmit={choose}>
          <div className={`govuk-form-group${fileError ? ' govuk-form-group--error' : ''}`}>
            <label className="govuk-label govuk-label--m" htmlFor={fieldId('file')}>
              Upload a file
            </label>
            <div id={`${fieldId('file')}-hint`} className="govuk-hint">
              Choose the file, or drag it here
            </div>
            {fileError && (
              <p id={`${fieldId('file')}-error`} className="govuk-error-message">
                <span className="govuk-visually-hidden">Error:</span> {fileError}
              </p>
            )}
            <div
              className={`app-drop-zone${dragging ? ' app-drop-zone--active' : ''}`}
              onDragOver={(e) => {
                e.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={drop}
            >
              <input
                ref={input}
                className={`govuk-file-upload${fileError ? ' govuk-file-upload--error' : ''}`}
                id={fieldId('file')}
                name="file"
                type="file"
                accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                aria-describedby={`${fieldId('file')}-hint${fileError ? ` ${fieldId('file')}-error` : ''}`}
                disabled={uploading}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  form.clear();
                }}
              />
              {file && (
                <p className="govuk-body govuk-!-margin-top-2 govuk-!-margin-bottom-0">
                  Selected: {file.name} ({formatBytes(file.size)})
                </p>
              )}
            </div>
          </div>
          {progress && (
            <div className="govuk-!-margin-bottom-6">
              <div className="app-bar" aria-hidden="true">
                <div className="app-bar__fill" style={{ width: `${percent}%` }} />
              </div>
              <p className="govuk-body" role="status" aria-live="polite">
                {progress.loaded < progress.total ? `Uploading: ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} sent (${percent}%)` : 'Uploaded. Starting the import…'}
              </p>
            </div>
          )}
          <Button type="submit" pending={uploading}>
            {form.error?.isNetwork ? 'Try again' : 'Upload and import'}
          </Button>
        </form>
        <p className="govuk-body">
          <Link className="govuk-link" to={`/authorities/${authorityId}/training/completions/new`}>
            Add one completion instead
          </Link>
        </p>
      </div>
      <div className="govuk-grid-column-full">
        <ImportHistory authorityId={authorityId} />
      </div>
    </div>
  );
}

/** The job's rows-done figure as text. */
export function jobProgressText(job: Pick<ImportJob, 'status' | 'rows' | 'rowsDone'>): string {
  if (job.status === 'queued') return 'Waiting for a worker to start the import.';
  if (job.rows === 0) return 'Reading the file…';
  return `${job.rowsDone.toLocaleString('en-GB')} of ${job.rows.toLocaleString('en-GB')} rows checked and stored.`;
}

export function useImportJob(authorityId: string, importId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['import', authorityId, importId],
    queryFn: () => call(api.GET('/authorities/{id}/imports/{importId}', { params: { path: { id: authorityId, importId } } })),
    refetchInterval: (q) => (q.state.data && !['completed', 'failed'].includes(q.state.data.status) ? 1000 : false),
  });
}
