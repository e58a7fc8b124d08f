import { Link, useLocation, useSearchParams } from 'react-router';
import { reportingYear } from '../../components/admin-labels';
import { PageTitle } from '../../components/PageTitle';
import { yearsUpTo } from '../../components/report-common';
import { formatDateTime, LoadError, Loading, NotificationBanner, Tag } from '../../components/ui';
import { TokenDownloads } from '../../components/token-downloads';
import { isForbidden, OfficialSensitive, PublishedFigures, QUARTERS, quarterLabel, useDeliveryFigures, YearSwitcher, type Figures } from './delivery-common';

/**
 * The partnership's delivery figures for a reporting year (OFFICIAL-SENSITIVE). The steering
 * group and the police see which quarters are entered (and enter or correct them) and the
 * published, suppressed tables; viewers see the published year totals only; anyone else is
 * told why they cannot. The API decides who sees what (`access`); this page shows it.
 */
export default function DeliveryFigures() {
  const [params, setParams] = useSearchParams();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const current = reportingYear();
  const year = params.get('year') ?? current;
  const figures = useDeliveryFigures(year);
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <PageTitle title="Delivery figures" caption={`Reporting year ${year}`} />
      <OfficialSensitive />
      {!isForbidden(figures.error) && <YearSwitcher years={yearsUpTo(current, 3)} year={year} path="delivery" onShow={(y) => setParams({ year: y })} />}
      {figures.isPending ? (
        <Loading what={`Loading the figures for ${year}`} />
      ) : isForbidden(figures.error) ? (
        <Forbidden />
      ) : figures.error ? (
        <LoadError error={figures.error} retry={() => void figures.refetch()} />
      ) : (
        <Body figures={figures.data!} />
      )}
    </>
  );
}

function Forbidden() {
  return (
    <>
      <h2 className="govuk-heading-m">You cannot see the delivery figures</h2>
      <p className="govuk-body">
        Delivery figures (Prevent referrals, Channel cases and hate-crime reports) are OFFICIAL-SENSITIVE. The steering group and the Prevent leads and editors of
        the police enter and read them; scrutiny members see the published year totals. Your role is not one of these.
      </p>
      <p className="govuk-body">If you need the figures for your work, ask your steering group for the published totals.</p>
    </>
  );
}

function Body({ figures }: { figures: Figures }) {
  const { year, published } = figures;
  const full = figures.access === 'full';
  return (
    <>
      {full ? <Quarters figures={figures} /> : <p className="govuk-body">You see the published totals for the year. Quarter-by-quarter figures are kept to the steering group and the police.</p>}
      <h2 className="govuk-heading-m">Published figures{full ? '' : `, totals for ${year}`}</h2>
      <TokenDownloads
        what="the figures"
        downloads={[{ key: 'csv', label: 'Download CSV (suppressed)', path: `/delivery-figures/${encodeURIComponent(year)}?format=csv`, filename: `prevent-delivery-figures-${year}.csv` }]}
      />
      <PublishedFigures published={published} />
    </>
  );
}

/** Which quarters are entered, with a link to enter or correct each (everyone with full access may). */
function Quarters({ figures }: { figures: Figures }) {
  const { year } = figures;
  const byQuarter = new Map((figures.quarters ?? []).map((q) => [q.quarter, q]));
  return (
    <table className="govuk-table">
      <caption className="govuk-table__caption govuk-table__caption--m">Quarters of {year}</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          <th scope="col" className="govuk-table__header">
            Quarter
          </th>
          <th scope="col" className="govuk-table__header">
            Figures
          </th>
          <th scope="col" className="govuk-table__header">
            Last saved
          </th>
          <th scope="col" className="govuk-table__header">
            <span className="govuk-visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {QUARTERS.map((n) => {
          const q = byQuarter.get(n);
          return (
            <tr className="govuk-table__row" key={n}>
              <th scope="row" className="govuk-table__header">
                {quarterLabel(n)}
              </th>
              <td className="govuk-table__cell">{q ? <Tag colour="green">Entered</Tag> : <Tag colour="grey">Not entered</Tag>}</td>
              <td className="govuk-table__cell">{q ? `${formatDateTime(q.updatedAt)} (version ${q.version})` : '—'}</td>
              <td className="govuk-table__cell">
                <Link className="govuk-link" to={`/delivery/${year}/quarters/${n}`}>
                  {q ? 'Change' : 'Enter figures'}
                  <span className="govuk-visually-hidden"> for {quarterLabel(n)} {year}</span>
                </Link>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
