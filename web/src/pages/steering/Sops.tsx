import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { PageTitle } from '../../components/PageTitle';
import { SopTag, sopState, SortableTable, useSops, type SopItem, type SortColumn } from '../../components/report-common';
import { formatDate, LoadError, Loading } from '../../components/ui';
import './report.css';

interface Row {
  authorityId: string;
  name: string;
  sop?: SopItem;
}

const ORDER = { overdue: 0, 'due-soon': 1, 'in-date': 2, none: 3 } as const;

/** Every authority's SOP and when it is next reviewed (the review states are the API's). */
export default function Sops() {
  const api = useApi();
  const sops = useSops();
  const authorities = useQuery({ queryKey: ['authorities'], queryFn: () => call(api.GET('/authorities')) });
  const error = sops.error ?? authorities.error;

  let body;
  if (sops.isPending || authorities.isPending) body = <Loading what="Loading the SOPs" />;
  else if (error) body = <LoadError error={error} retry={() => { void sops.refetch(); void authorities.refetch(); }} />;
  else {
    const byAuthority = new Map(sops.data!.items.map((s) => [s.authorityId, s]));
    const rows: Row[] = authorities.data!.items.map((a) => ({ authorityId: a.id, name: a.name, sop: byAuthority.get(a.id) }));
    const counts = { overdue: 0, 'due-soon': 0, 'in-date': 0, none: 0 };
    for (const r of rows) counts[sopState(r.sop)] += 1;
    const columns: SortColumn<Row>[] = [
      {
        key: 'name', label: 'Authority', rowHeader: true, sortValue: (r) => r.name,
        render: (r) => <Link className="govuk-link" to={`/authorities/${r.authorityId}`}>{r.name}</Link>,
      },
      { key: 'version', label: 'SOP version', sortValue: (r) => r.sop?.sopVersion ?? '', render: (r) => (r.sop ? r.sop.sopVersion : 'No SOP recorded') },
      { key: 'last', label: 'Last review', sortValue: (r) => r.sop?.lastReviewedOn ?? '', render: (r) => (r.sop ? (r.sop.lastReviewedOn ? formatDate(r.sop.lastReviewedOn) : 'Not reviewed yet') : '—') },
      { key: 'next', label: 'Next review by', sortValue: (r) => r.sop?.nextReviewDate ?? '9999', render: (r) => (r.sop ? formatDate(r.sop.nextReviewDate) : '—') },
      { key: 'status', label: 'Review status', sortValue: (r) => ORDER[sopState(r.sop)], render: (r) => <SopTag state={sopState(r.sop)} /> },
    ];
    body =
      rows.length === 0 ? (
        <p className="govuk-body">There are no authorities in the partnership yet. Once authorities are added, their SOPs are listed here.</p>
      ) : (
        <>
          <p className="govuk-body">
            As at {formatDate(sops.data!.asAt)}: {counts.overdue} overdue, {counts['due-soon']} due within 60 days, {counts['in-date']} in date, {counts.none} with no SOP recorded. Each
            authority's Prevent lead keeps its SOP up to date.
          </p>
          <SortableTable caption="SOPs of every authority" columns={columns} rows={rows} rowKey={(r) => r.authorityId} paged={{ of: 'SOPs', id: 'sops-table' }} />
        </>
      );
  }
  return (
    <>
      <PageTitle title="SOPs" />
      {body}
    </>
  );
}
