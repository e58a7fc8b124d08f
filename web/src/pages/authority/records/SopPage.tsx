import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { call, type ApiError } from '../../../api/client';
import { useApi } from '../../../app/context';
import { asApiError } from '../../../components/forms';
import { PageTitle } from '../../../components/PageTitle';
import { BackLink, Button, formatDate, formatDateTime, LoadError, Loading, NotificationBanner, SummaryList, Table, type SummaryRow } from '../../../components/ui';
import {
  CADENCE_LABELS, DueTag, dueInWords, dueState, OBLIGATION_STATUS, ObligationStatusTag, RATING_LABELS, SECTION_LABELS,
  useAuthority, useObligations, useRecordAbilities, useSop, type Obligation, type Sop,
} from './common';

/**
 * An authority's SOP (reminder e-mails link here): its details as in the document, when it is
 * next reviewed (and, for the lead, recording that review), its revision record, reviews and
 * versions, and the obligations it commits the authority to, by toolkit section.
 */
export default function SopPage() {
  const { id = '' } = useParams();
  const can = useRecordAbilities(id);
  const authority = useAuthority(id);
  const sop = useSop(id);
  const [flash, setFlash] = useState<string | undefined>((useLocation().state as { flash?: string } | null)?.flash);
  const name = authority.data?.name ?? id;

  let body;
  if (sop.isPending || authority.isPending) body = <Loading what="Loading the SOP" />;
  else if (authority.error) body = <LoadError error={authority.error} retry={() => void authority.refetch()} />;
  else if ((sop.error as ApiError | null)?.status === 404) {
    body = (
      <>
        <p className="govuk-body">{name} has no SOP recorded yet.</p>
        <p className="govuk-body">
          The SOP (standard operating procedure) sets out how the authority meets the Prevent duty: who owns it, when it is reviewed, and what it commits the authority to.
        </p>
        {can.editsSop ? (
          <Link className="govuk-button" data-module="govuk-button" to={`/authorities/${id}/sop/edit`}>
            Record the SOP
          </Link>
        ) : (
          <p className="govuk-body">The authority’s Prevent lead records it.</p>
        )}
      </>
    );
  } else if (sop.error) body = <LoadError error={sop.error} retry={() => void sop.refetch()} />;
  else body = <SopView id={id} sop={sop.data!} onFlash={setFlash} />;

  return (
    <>
      <BackLink to={`/authorities/${id}`}>Back to {name}</BackLink>
      {flash && (
        <NotificationBanner type="success">
          <p className="govuk-notification-banner__heading">{flash}</p>
        </NotificationBanner>
      )}
      <PageTitle title="Standard operating procedure (SOP)" caption={name} />
      {body}
    </>
  );
}

function SopView({ id, sop, onFlash }: { id: string; sop: Sop; onFlash: (message: string) => void }) {
  const can = useRecordAbilities(id);
  const change = (visuallyHidden: string) => (can.editsSop ? { action: { to: `/authorities/${id}/sop/edit`, label: 'Change', visuallyHidden } } : {});
  const rows: SummaryRow[] = [
    { key: 'Title', value: sop.title, ...change('title') },
    { key: 'Owner', value: `${sop.ownerName} (${sop.ownerRole})`, ...change('owner') },
    { key: 'Version', value: sop.sopVersion, ...change('version') },
    { key: 'Implementation date', value: formatDate(sop.implementationDate), ...change('implementation date') },
    { key: 'Next review date prior to', value: formatDate(sop.nextReviewDate), ...change('next review date') },
    { key: 'Security classification', value: sop.securityClassification, ...change('security classification') },
    { key: 'FOI disclosable', value: sop.foiDisclosable ? 'Yes' : 'No', ...change('FOI disclosable') },
    { key: 'Risk rating', value: RATING_LABELS[sop.riskRating], ...change('risk rating') },
    { key: 'Equality analysis', value: sop.equalityAnalysis, ...change('equality analysis') },
  ];
  return (
    <>
      <div className="govuk-inset-text" id="sop-next-review">
        <p className="govuk-body">
          <strong>Next review by {formatDate(sop.nextReviewDate)}</strong> ({dueInWords(sop.nextReviewDate)}) <DueTag on={sop.nextReviewDate} />
        </p>
        <p className="govuk-body govuk-!-margin-bottom-0">
          {sop.lastReviewedOn ? `Last reviewed on ${formatDate(sop.lastReviewedOn)}.` : 'Not reviewed since it was recorded.'} The SOP is reviewed every year and the review is minuted at the
          steering group; recording it moves the next review on 12 months.
        </p>
      </div>
      {can.editsSop && (
        <Link className="govuk-button" data-module="govuk-button" to={`/authorities/${id}/sop/review`}>
          Record the annual review
        </Link>
      )}

      <h2 className="govuk-heading-m">Details</h2>
      <SummaryList rows={rows} />

      <Table label="Revision record" caption="Revision record" headers={['Date', 'Nature of revision']}>
        {sop.revisions.length === 0 ? (
          <tr className="govuk-table__row">
            <td className="govuk-table__cell" colSpan={2}>
              No revisions recorded.
            </td>
          </tr>
        ) : (
          sop.revisions.map((r, i) => (
            <tr className="govuk-table__row" key={i}>
              <td className="govuk-table__cell">{formatDate(r.date)}</td>
              <td className="govuk-table__cell">{r.nature}</td>
            </tr>
          ))
        )}
      </Table>

      <Reviews id={id} />
      <Versions id={id} />
      <Obligations id={id} onFlash={onFlash} />
    </>
  );
}

function Reviews({ id }: { id: string }) {
  const api = useApi();
  const reviews = useQuery({ queryKey: ['sop-reviews', id], queryFn: () => call(api.GET('/authorities/{id}/sop/reviews', { params: { path: { id } } })) });
  if (reviews.isPending) return <Loading what="Loading the reviews" />;
  if (reviews.error) return <LoadError error={reviews.error} retry={() => void reviews.refetch()} />;
  const items = [...reviews.data.items].sort((a, b) => b.reviewedOn.localeCompare(a.reviewedOn));
  return (
    <Table label="Annual reviews" caption="Annual reviews" headers={['Reviewed on', 'Reviewer', 'Outcome', 'Steering group minute', 'Next review by']}>
      {items.length === 0 ? (
        <tr className="govuk-table__row">
          <td className="govuk-table__cell" colSpan={5}>
            No review recorded yet.
          </td>
        </tr>
      ) : (
        items.map((r) => (
          <tr className="govuk-table__row" key={r.id}>
            <td className="govuk-table__cell">{formatDate(r.reviewedOn)}</td>
            <td className="govuk-table__cell">{r.reviewer}</td>
            <td className="govuk-table__cell">{r.outcome === 'revised' ? `Revised: version ${r.sopVersionBefore} to ${r.sopVersionAfter}` : `Unchanged (version ${r.sopVersionAfter})`}</td>
            <td className="govuk-table__cell">{r.minuteRef}</td>
            <td className="govuk-table__cell">{formatDate(r.nextReviewDate)}</td>
          </tr>
        ))
      )}
    </Table>
  );
}

function Versions({ id }: { id: string }) {
  const api = useApi();
  const versions = useQuery({ queryKey: ['sop-versions', id], queryFn: () => call(api.GET('/authorities/{id}/sop/versions', { params: { path: { id } } })) });
  if (versions.isPending) return <Loading what="Loading the version history" />;
  if (versions.error) return <LoadError error={versions.error} retry={() => void versions.refetch()} />;
  const items = [...versions.data.items].sort((a, b) => b.version - a.version);
  return (
    <Table label="Version history" caption="Version history" headers={['Saved', 'SOP version', 'Next review by', 'Last reviewed']}>
      {items.map((v) => (
        <tr className="govuk-table__row" key={v.version}>
          <td className="govuk-table__cell">{formatDateTime(v.updatedAt)}</td>
          <td className="govuk-table__cell">{v.sopVersion}</td>
          <td className="govuk-table__cell">{formatDate(v.nextReviewDate)}</td>
          <td className="govuk-table__cell">{v.lastReviewedOn ? formatDate(v.lastReviewedOn) : 'Not yet'}</td>
        </tr>
      ))}
    </Table>
  );
}

function Obligations({ id, onFlash }: { id: string; onFlash: (message: string) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const can = useRecordAbilities(id);
  const obligations = useObligations(id);
  const [error, setError] = useState<ApiError | null>(null);
  const adopt = useMutation({
    mutationFn: () => call(api.POST('/authorities/{id}/sop/obligations/from-template', { params: { path: { id } } })),
    onSuccess: async ({ items }) => {
      setError(null);
      await queryClient.invalidateQueries({ queryKey: ['obligations', id] });
      onFlash(items.length ? `${items.length} ${items.length === 1 ? 'obligation' : 'obligations'} copied from the template` : 'You already have every obligation of the template');
      window.scrollTo(0, 0);
    },
    onError: (e) => setError(asApiError(e)),
  });
  const heading = <h2 className="govuk-heading-l govuk-!-margin-top-6">Obligations</h2>;
  if (obligations.isPending) return <>{heading}<Loading what="Loading the obligations" /></>;
  if (obligations.error) return <>{heading}<LoadError error={obligations.error} retry={() => void obligations.refetch()} /></>;
  const items = obligations.data.items;
  const bySection = new Map<Obligation['section'], Obligation[]>();
  for (const section of Object.keys(SECTION_LABELS) as Obligation['section'][]) bySection.set(section, []);
  for (const o of items) bySection.get(o.section)?.push(o);
  return (
    <>
      {heading}
      <p className="govuk-body">
        What the SOP commits the authority to, grouped by the Prevent duty toolkit’s sections. Each has a cadence: recording evidence moves its next due date on.
        {can.recordsEvidence ? ' Open an obligation to record evidence.' : ''}
      </p>
      {items.length > 0 && (
        <p className="govuk-body" id="obligations-summary">
          {items.length} {items.length === 1 ? 'obligation' : 'obligations'}: {(Object.keys(OBLIGATION_STATUS) as Obligation['status'][]).map((st) => `${items.filter((o) => o.status === st).length} ${OBLIGATION_STATUS[st].label.toLowerCase()}`).join(', ')}.{' '}
          {items.filter((o) => dueState(o.nextDueOn) === 'overdue').length} with evidence overdue, {items.filter((o) => dueState(o.nextDueOn) === 'due-soon').length} due within 60 days.
        </p>
      )}
      {error && (
        <div className="govuk-error-summary" role="alert">
          <h2 className="govuk-error-summary__title">There is a problem</h2>
          <div className="govuk-error-summary__body">
            <p className="govuk-body">{error.message}</p>
          </div>
        </div>
      )}
      {can.editsSop && (
        <>
          <p className="govuk-body">
            {items.length === 0
              ? 'Start from the template: obligations modelled on a real OPCC SOP, which you can then edit to fit.'
              : 'The template’s obligations you do not have yet can be copied in; those you have stay as they are.'}
          </p>
          <Button variant={items.length ? 'secondary' : undefined} onClick={() => adopt.mutate()} pending={adopt.isPending}>
            Copy obligations from the template
          </Button>
        </>
      )}
      {items.length === 0 ? (
        <p className="govuk-body">No obligations recorded yet.</p>
      ) : (
        [...bySection.entries()]
          .filter(([, list]) => list.length > 0)
          .map(([section, list]) => (
            <Table key={section} label={SECTION_LABELS[section]} caption={SECTION_LABELS[section]} headers={['Commitment', 'Cadence', 'Owner', 'Status', 'Next due']}>
              {[...list]
                .sort((a, b) => a.nextDueOn.localeCompare(b.nextDueOn))
                .map((o) => (
                  <tr className="govuk-table__row" key={o.id}>
                    <td className="govuk-table__cell">
                      <Link className="govuk-link" to={`/authorities/${id}/sop/obligations/${o.id}`}>
                        {o.commitment}
                      </Link>
                    </td>
                    <td className="govuk-table__cell">{CADENCE_LABELS[o.cadence]}</td>
                    <td className="govuk-table__cell">{o.ownerRole}</td>
                    <td className="govuk-table__cell">
                      <ObligationStatusTag status={o.status} />
                    </td>
                    <td className="govuk-table__cell">
                      {formatDate(o.nextDueOn)} <DueTag on={o.nextDueOn} />
                    </td>
                  </tr>
                ))}
            </Table>
          ))
      )}
    </>
  );
}
