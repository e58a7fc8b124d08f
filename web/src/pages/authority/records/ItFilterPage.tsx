import { Link, useLocation, useParams } from 'react-router';
import { reportingYear } from '../../../components/admin-labels';
import { PageTitle } from '../../../components/PageTitle';
import { FilterTag } from '../../../components/report-common';
import { BackLink, formatDate, LoadError, Loading, NotificationBanner, SummaryList, Tag, type SummaryRow } from '../../../components/ui';
import { dueInWords, OUTCOME_LABELS, SCOPE_LABELS, useAssurances, useAuthority, useProviderName, useRecordAbilities, type Assurance, type Assurances } from './common';

const STATUS_TEXT: Record<Assurances['status'], string> = {
  current: 'In date: the last review was less than 12 months ago.',
  'due-soon': 'Due soon: the next review is due within 60 days.',
  overdue: 'Overdue: the last review was more than 12 months ago.',
  missing: 'No IT-filter assurance has been recorded yet.',
};

export function assuranceRows(a: Assurance, provider: (id: string | undefined) => string): SummaryRow[] {
  return [
    { key: 'Reviewed on', value: formatDate(a.reviewedOn) },
    { key: 'IT provided by', value: provider(a.itProvidedBy) },
    { key: 'Assured by', value: `${a.assuredBy.name}, ${a.assuredBy.role}, ${a.assuredBy.organisation}` },
    { key: 'Filter or firewall product', value: a.product },
    { key: 'CTIRU list applied', value: a.ctiruListApplied ? `Yes${a.ctiruListVersion ? `, list of ${a.ctiruListVersion}` : ''}` : 'No' },
    { key: 'Scope', value: a.scope.map((s) => (s === 'other' && a.scopeOther ? `Other: ${a.scopeOther}` : SCOPE_LABELS[s])).join(', ') },
    { key: 'Outcome', value: <Tag colour={OUTCOME_LABELS[a.outcome].colour}>{OUTCOME_LABELS[a.outcome].label}</Tag> },
    { key: 'Actions', value: a.actions || 'None' },
    { key: 'Evidence', value: a.evidence || 'None recorded' },
  ];
}

/**
 * The authority's IT-filter assurance (toolkit benchmark 8.2; reminders link here): whether
 * it is in date, this year's assurance (and recording it), and the previous years'.
 */
export default function ItFilterPage() {
  const { id = '' } = useParams();
  const can = useRecordAbilities(id);
  const authority = useAuthority(id);
  const assurances = useAssurances(id);
  const provider = useProviderName();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const year = reportingYear();
  const name = authority.data?.name ?? id;

  let body;
  if (assurances.isPending || authority.isPending) body = <Loading what="Loading the IT-filter assurances" />;
  else if (assurances.error ?? authority.error) body = <LoadError error={assurances.error ?? authority.error} retry={() => void assurances.refetch()} />;
  else {
    const { items, status, nextReviewDue } = assurances.data;
    const current = items.find((a) => a.year === year);
    const previous = items.filter((a) => a.year !== year).sort((a, b) => b.year.localeCompare(a.year));
    body = (
      <>
        <div className="govuk-inset-text" id="it-filter-status">
          <p className="govuk-body">
            Status: <FilterTag status={status} />
          </p>
          <p className="govuk-body govuk-!-margin-bottom-0">
            {STATUS_TEXT[status]}
            {nextReviewDue ? ` The next review is due by ${formatDate(nextReviewDue)} (${dueInWords(nextReviewDue)}).` : ''}
          </p>
        </div>
        <p className="govuk-body">
          At least once a year the authority confirms that its firewalls and web filters were reviewed and use the terms supplied by the Counter Terrorism Internet Referral Unit (CTIRU).
          Where another authority provides the IT, record who gave the assurance.
        </p>
        <h2 className="govuk-heading-m">This year’s assurance ({year})</h2>
        {current ? <SummaryList rows={assuranceRows(current, provider)} /> : <p className="govuk-body">Not recorded for {year} yet.</p>}
        {can.recordsItFilter && (
          <Link className="govuk-button" data-module="govuk-button" to={`/authorities/${id}/it-filter-assurances/${year}`}>
            {current ? `Change the ${year} assurance` : `Record the ${year} assurance`}
          </Link>
        )}
        <h2 className="govuk-heading-m">Previous years</h2>
        {previous.length === 0 ? (
          <p className="govuk-body">None recorded.</p>
        ) : (
          previous.map((a) => (
            <section key={a.year} aria-labelledby={`year-${a.year}`}>
              <h3 className="govuk-heading-s" id={`year-${a.year}`}>
                {a.year}
              </h3>
              <SummaryList rows={assuranceRows(a, provider)} />
            </section>
          ))
        )}
      </>
    );
  }
  return (
    <>
      <BackLink to={`/authorities/${id}`}>Back to {name}</BackLink>
      {flash && (
        <NotificationBanner type="success">
          <p className="govuk-notification-banner__heading">{flash}</p>
        </NotificationBanner>
      )}
      <PageTitle title="IT-filter assurance" caption={name} />
      {body}
    </>
  );
}
