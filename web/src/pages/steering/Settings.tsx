import { useQuery } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { call } from '../../api/client';
import { useApi } from '../../app/context';
import { useAbilities } from '../../app/session';
import { useDeadline } from '../../components/admin-queries';
import { labelOf, listInWords, reportingYear, SECTOR_LABELS } from '../../components/admin-labels';
import { PageTitle } from '../../components/PageTitle';
import { formatDate, NotificationBanner, percent, QueryView, SummaryList, type SummaryRow } from '../../components/ui';

/** The partnership's settings, as the API holds them; the steering group may change them. */
export default function Settings() {
  const api = useApi();
  const can = useAbilities();
  const flash = (useLocation().state as { flash?: string } | null)?.flash;
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => call(api.GET('/settings')) });
  const frameworks = useQuery({ queryKey: ['frameworks'], queryFn: () => call(api.GET('/frameworks')) });
  const thisYear = reportingYear();
  const nextYear = reportingYear(new Date(), 1);
  const deadlines = [useDeadline(thisYear), useDeadline(nextYear)];
  const frameworkName = (key: string) => {
    const f = frameworks.data?.items.find((x) => `${x.id}@${x.version}` === key);
    return f ? `${f.name} (${key})` : key;
  };
  return (
    <>
      {flash && <NotificationBanner type="success">{flash}</NotificationBanner>}
      <QueryView query={settings} what="settings">
        {(s) => {
          const change = (visuallyHidden: string) => (can.editsPartnership ? { action: { to: '/settings/edit', label: 'Change', visuallyHidden } } : {});
          const years = Object.keys(s.frameworkByYear).sort();
          const rows: SummaryRow[] = [
            { key: 'Training coverage target', value: percent(s.coverageTarget), ...change('training coverage target') },
            { key: 'Reminders', value: `${listInWords([...s.reminderThresholds].sort((a, b) => b - a))} days before an item is due`, ...change('reminders') },
            { key: 'Copy the steering group on overdue reminders', value: s.copySteeringGroupOnOverdue ? 'Yes' : 'No', ...change('copy the steering group on overdue reminders') },
            {
              key: 'Steering group email addresses',
              value: s.steeringGroupEmails.length ? (
                <ul className="govuk-list">
                  {s.steeringGroupEmails.map((e) => (
                    <li key={e}>{e}</li>
                  ))}
                </ul>
              ) : (
                'None'
              ),
              ...change('steering group email addresses'),
            },
            {
              key: 'Benchmark framework by year',
              value: years.length ? (
                <ul className="govuk-list">
                  {years.map((y) => (
                    <li key={y}>
                      {y}: {frameworkName(s.frameworkByYear[y])}
                    </li>
                  ))}
                </ul>
              ) : (
                'The built-in 2018 toolkit for every year'
              ),
              ...change('benchmark framework by year'),
            },
            ...[thisYear, nextYear].map((year, i) => ({
              key: `Statement deadline ${year}`,
              value: deadlines[i].isPending ? 'Loading…' : deadlines[i].error ? 'Could not be loaded' : deadlines[i].data?.dueOn ? formatDate(deadlines[i].data!.dueOn) : 'Not set',
              ...change(`statement deadline ${year}`),
            })),
            {
              key: 'Benchmarks by sector',
              value: (
                <ul className="govuk-list">
                  {Object.entries(s.benchmarksBySector).map(([sector, numbers]) => (
                    <li key={sector}>
                      {labelOf(SECTOR_LABELS, sector)}: {listInWords(numbers)}
                    </li>
                  ))}
                </ul>
              ),
            },
            { key: 'Training records kept for', value: `${s.trainingRetentionYears} years after completion` },
          ];
          return (
            <>
              <PageTitle title="Settings" />
              <SummaryList rows={rows} />
              <h2 className="govuk-heading-m">Training courses</h2>
              <p className="govuk-body">
                <Link className="govuk-link" to="/settings/courses">
                  Course catalogue
                </Link>
              </p>
            </>
          );
        }}
      </QueryView>
    </>
  );
}
