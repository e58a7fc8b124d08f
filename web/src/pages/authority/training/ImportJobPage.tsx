import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../../../api/client';
import { useApi } from '../../../app/context';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, formatDateTime, LoadError, Loading, SummaryList, Table, Tag } from '../../../components/ui';
import { isRunning, startedBy, STATUS_LABELS, forgetTraining, useAuthorityId, useTrainingAbilities, type ImportJob } from './common';
import { COLUMNS, rememberedFile, rejectedCsv, type Field } from './file-preview';
import { jobProgressText, useImportJob } from './Import';
import './training.css';

const DELIMITERS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };
const ENCODINGS: Record<string, string> = { 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252', 'iso-8859-1': 'ISO-8859-1', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16' };

/**
 * One import (/authorities/:id/training/imports/:importId): its progress while it runs (the page
 * can be left and come back to), then the result and every rejected row.
 */
export default function ImportJobPage() {
  const id = useAuthorityId();
  const { importId } = useParams();
  const job = useImportJob(id, importId!);
  const queryClient = useQueryClient();
  const ended = job.data && !isRunning(job.data.status);
  const wasRunning = useRef(false);
  useEffect(() => {
    if (job.data && isRunning(job.data.status)) wasRunning.current = true;
    // Once it ends, the figures that depend on the completions are stale.
    if (ended && wasRunning.current) forgetTraining(queryClient, id);
  }, [ended, job.data, id, queryClient]);
  if (job.isPending) return <Loading what="Loading the import" />;
  if (job.error) return <LoadError error={job.error} retry={() => void job.refetch()} />;
  return <JobView authorityId={id} job={job.data} />;
}

function JobView({ authorityId, job }: { authorityId: string; job: ImportJob }) {
  const can = useTrainingAbilities(authorityId);
  const status = STATUS_LABELS[job.status];
  const running = isRunning(job.status);
  const title = running ? 'Importing training records' : job.status === 'failed' ? 'The import failed' : 'Import complete';
  return (
    <>
      <BackLink to={`/authorities/${authorityId}/training/import`}>Back to imports</BackLink>
      <PageTitle title={title} caption={`Started ${formatDateTime(job.startedAt)} by ${startedBy(job, job.people)}`} />
      <p className="govuk-body">
        Status: <Tag colour={status.colour}>{status.text}</Tag>
      </p>
      {running && <Progress authorityId={authorityId} job={job} canResume={can.edits} />}
      {job.status === 'failed' && <Failure authorityId={authorityId} job={job} />}
      {job.status === 'completed' && <Result authorityId={authorityId} job={job} />}
    </>
  );
}

function Progress({ authorityId, job, canResume }: { authorityId: string; job: ImportJob; canResume: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const resume = useMutation({
    mutationFn: () => call(api.POST('/authorities/{id}/imports/{importId}/resume', { params: { path: { id: authorityId, importId: job.importId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['import', authorityId, job.importId] }),
  });
  const share = job.rows ? Math.round((job.rowsDone / job.rows) * 100) : 0;
  return (
    <>
      <div className="app-bar" aria-hidden="true">
        <div className="app-bar__fill" style={{ width: `${share}%` }} />
      </div>
      <p className="govuk-body" role="status" aria-live="polite" id="import-progress">
        {jobProgressText(job)}
      </p>
      <p className="govuk-body">You can leave this page: the import carries on, and this page (and the import history) shows how far it got when you come back.</p>
      {job.status === 'interrupted' && (
        <div className="govuk-inset-text">
          <p className="govuk-body">The import stopped part-way. It carries on by itself from where it got to; rows already stored are kept.</p>
          {canResume && (
            <Button variant="secondary" onClick={() => resume.mutate()} pending={resume.isPending}>
              Carry on now
            </Button>
          )}
        </div>
      )}
    </>
  );
}

function Failure({ authorityId, job }: { authorityId: string; job: ImportJob }) {
  const missingColumns = job.error?.errors?.some((e) => e.path.startsWith('csv.'));
  return (
    <div className="govuk-error-summary" role="alert">
      <h2 className="govuk-error-summary__title">The file could not be imported</h2>
      <div className="govuk-error-summary__body">
        <p className="govuk-body">{job.error?.message ?? 'The import stopped.'}</p>
        {job.error?.errors && job.error.errors.length > 0 && (
          <ul className="govuk-list govuk-list--bullet">
            {job.error.errors.map((e, i) => (
              <li key={i}>{e.message}</li>
            ))}
          </ul>
        )}
        <p className="govuk-body">
          {job.rowsDone > 0 ? 'Rows stored before it stopped are kept. ' : 'Nothing was stored. '}
          {missingColumns ? 'Import the file again: you will be asked to match its columns.' : 'Correct the file and import it again; rows already stored count as already recorded.'}
        </p>
        <p className="govuk-body">
          <Link className="govuk-link" to={`/authorities/${authorityId}/training/import`}>
            Import a file
          </Link>
        </p>
      </div>
    </div>
  );
}

function Result({ authorityId, job }: { authorityId: string; job: ImportJob }) {
  const file = rememberedFile(job.importId);
  const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-GB');
  const columns = Object.entries(job.columnsUsed ?? {}).map(([header, field]) => `${header} → ${COLUMNS[field as Field]?.label ?? field}`);
  const read =
    job.format === 'xlsx'
      ? 'Excel workbook (.xlsx)'
      : `CSV, ${ENCODINGS[job.encoding ?? ''] ?? job.encoding ?? 'text'}, separated by ${DELIMITERS[job.delimiter ?? ''] ?? job.delimiter ?? 'commas'}`;
  function download() {
    const blob = new Blob([rejectedCsv(job.rejected, file)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `rejected-rows-${job.startedAt.slice(0, 10)}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  return (
    <>
      <SummaryList
        rows={[
          { key: 'Rows read', value: n(job.rows) },
          { key: 'New completions stored', value: n(job.imported) },
          { key: 'Already recorded', value: `${n(job.duplicates)} (the same person, course and date was already held)` },
          { key: 'Rejected', value: n(job.rejectedCount) },
          ...(job.rowsWithoutRole ? [{ key: 'Stored without a plan role', value: `${n(job.rowsWithoutRole)} (they count towards no role’s coverage)` }] : []),
          { key: 'How the file was read', value: `${read}; header on ${job.format === 'xlsx' ? 'row' : 'line'} ${job.headerLine ?? 1}` },
          { key: 'Columns used', value: columns.length ? columns.join(', ') : '—' },
          ...(job.columnsIgnored?.length ? [{ key: 'Columns ignored', value: job.columnsIgnored.join(', ') }] : []),
          { key: 'Finished', value: formatDateTime(job.finishedAt) },
        ]}
      />
      {job.rejectedCount > 0 && (
        <>
          <Table
            label="Rejected rows"
            caption={`Rejected rows (${n(job.rejectedCount)})`}
            headers={[job.format === 'xlsx' ? 'Row' : 'Line', 'Reasons']}
          >
            {job.rejected.map((r) => (
              <tr className="govuk-table__row" key={r.line}>
                <td className="govuk-table__cell">{r.line}</td>
                <td className="govuk-table__cell">
                  {r.reasons.length === 1 ? (
                    r.reasons[0]
                  ) : (
                    <ul className="govuk-list govuk-list--bullet govuk-!-margin-bottom-0">
                      {r.reasons.map((reason, i) => (
                        <li key={i}>{reason}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </Table>
          {job.rejectedCount > job.rejected.length && (
            <p className="govuk-body">Only the first {n(job.rejected.length)} rejected rows are kept with the import.</p>
          )}
          <p className="govuk-body">
            {file
              ? 'The download has each rejected row as it was in your file, with a column saying why. Correct the rows and import that file.'
              : 'The download has the line number and the reasons for each rejected row. The service keeps no copy of your file, so to see the rows themselves open your file at those lines (or import from this browser tab to get them in the download).'}
          </p>
          <Button variant="secondary" onClick={download}>
            Download the rejected rows (CSV)
          </Button>
        </>
      )}
      <p className="govuk-body">
        <Link className="govuk-link" to={`/authorities/${authorityId}/training`}>
          See training coverage
        </Link>
      </p>
    </>
  );
}
