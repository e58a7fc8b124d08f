import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import './delivery.css';
import { ApiError, call } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';
import { useApi } from '../../app/context';
import { Select } from '../../components/fields';
import { percent } from '../../components/ui';

/**
 * Shared by the delivery-figures pages and the annual report: the figures' types, the query,
 * the published (suppressed) tables with their note, the OFFICIAL-SENSITIVE notice, downloads
 * that need the bearer token, and the reporting-year switcher.
 */
export type Figures = ResponseOf<'/delivery-figures/{year}', 'get'>;
export type Quarter = NonNullable<Figures['quarters']>[number];
export type Published = Figures['published'];
export type PublishedTable = Published['referrals'];
export type PublishedCell = PublishedTable['cells'][number][number];
export type QuarterBody = BodyOf<'/delivery-figures/{year}/quarters/{quarter}', 'put'>;

export const REFERRAL_SECTORS = ['education', 'police', 'local-authority', 'health', 'criminal-justice', 'community', 'other'] as const;
export type ReferralSector = (typeof REFERRAL_SECTORS)[number];
/** The API's words for the referring sectors (presentation only). */
export const REFERRAL_SECTOR_LABELS: Record<ReferralSector, string> = {
  education: 'Education',
  police: 'Police',
  'local-authority': 'Local authority',
  health: 'Health',
  'criminal-justice': 'Prisons and probation',
  community: 'Family, friends and community',
  other: 'Other',
};
export const QUARTERS = [1, 2, 3, 4] as const;
/** As the API labels the quarter columns of the published tables. */
export const QUARTER_LABELS = ['Q1 (Apr–Jun)', 'Q2 (Jul–Sep)', 'Q3 (Oct–Dec)', 'Q4 (Jan–Mar)'];
export const quarterLabel = (q: number) => QUARTER_LABELS[q - 1] ?? `Q${q}`;
export const COMMUNICATION_KIND_LABELS: Record<string, string> = {
  newsletter: 'Newsletter',
  event: 'Event',
  campaign: 'Campaign',
  'social-media': 'Social media',
  website: 'Website',
  other: 'Other',
};

/** The year's figures as the caller may see them; a 403 is an answer (the role may not), not worth retrying. */
export function useDeliveryFigures(year: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['delivery-figures', year],
    queryFn: async () => (await call(api.GET('/delivery-figures/{year}', { params: { path: { year } } }))) as Figures,
  });
}

export const isForbidden = (error: unknown) => error instanceof ApiError && error.status === 403;

/** The protective marking, where the figures show. */
export function OfficialSensitive({ children }: { children?: ReactNode }) {
  return (
    <div className="govuk-warning-text">
      <span className="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong className="govuk-warning-text__text">
        <span className="govuk-visually-hidden">Warning</span>
        OFFICIAL-SENSITIVE. {children ?? 'Delivery figures are for the partnership’s use only: share them only as published, with small numbers suppressed.'}
      </strong>
    </div>
  );
}

/** What the suppression marks mean, printed wherever figures show. */
export function SuppressionNote({ note }: { note: string }) {
  return <div className="govuk-inset-text app-suppression-note">{note}</div>;
}

/** A published cell: the count, "<5" or "[c]" (with what the mark means as its title). */
export function CellText({ cell }: { cell: PublishedCell | undefined }) {
  if (!cell) return <>–</>;
  if (cell.value !== undefined) return <>{cell.value.toLocaleString('en-GB')}</>;
  if (cell.text === '<5') return <abbr title="a count from 1 to 4">{cell.text}</abbr>;
  if (cell.text === '[c]') return <abbr title="withheld so that a small count cannot be worked out">{cell.text}</abbr>;
  return <>{cell.text}</>;
}

/**
 * One published table: a row per sector (or measure), a column per entered quarter where the
 * reader may see quarters, the year's total, and a totals row where the table has one.
 */
export function PublishedFiguresTable({ table, year, firstHeader, totalsLabel = 'All sectors' }: { table: PublishedTable; year: string; firstHeader: string; totalsLabel?: string }) {
  const hasRowTotals = !!table.rowTotals;
  const hasTotalsRow = !!(table.columnTotals || table.grandTotal);
  return (
    <div className="app-table-scroll" tabIndex={0} role="region" aria-label={`${table.title}, scrollable`}>
      <table className="govuk-table">
        <caption className="govuk-table__caption govuk-table__caption--s">{table.title}</caption>
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">
              {firstHeader}
            </th>
            {table.columns.map((c) => (
              <th scope="col" className="govuk-table__header govuk-table__header--numeric" key={c.key}>
                {c.label}
              </th>
            ))}
            {hasRowTotals && (
              <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                Year {year}
              </th>
            )}
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {table.rows.map((r, i) => (
            <tr className="govuk-table__row" key={r.key}>
              <th scope="row" className="govuk-table__header">
                {r.label}
              </th>
              {table.columns.map((c, j) => (
                <td className="govuk-table__cell govuk-table__cell--numeric" key={c.key}>
                  <CellText cell={table.cells[i]?.[j]} />
                </td>
              ))}
              {hasRowTotals && (
                <td className="govuk-table__cell govuk-table__cell--numeric">
                  <CellText cell={table.rowTotals?.[i]} />
                </td>
              )}
            </tr>
          ))}
          {hasTotalsRow && (
            <tr className="govuk-table__row app-totals-row">
              <th scope="row" className="govuk-table__header">
                {totalsLabel}
              </th>
              {table.columns.map((c, j) => (
                <td className="govuk-table__cell govuk-table__cell--numeric" key={c.key}>
                  <CellText cell={table.columnTotals?.[j]} />
                </td>
              ))}
              {hasRowTotals && (
                <td className="govuk-table__cell govuk-table__cell--numeric">
                  <CellText cell={table.grandTotal} />
                </td>
              )}
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** "Quarters entered: Q1 (Apr–Jun) and Q2 (Jul–Sep) (2 of 4)…", or that none or all are. */
export function quartersEnteredText(entered: readonly number[]): string {
  if (!entered.length) return 'No quarter’s figures have been entered for the year yet.';
  const names = entered.map(quarterLabel);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return entered.length === 4 ? 'All four quarters are entered.' : `Quarters entered: ${list} (${entered.length} of 4); the totals cover those quarters only.`;
}

/**
 * The published figures: referrals by sector, the Channel panel, hate crime and the ratio the
 * toolkit mentions, all suppressed, with the note; then outreach training and communications.
 * `headingLevel` 2 on the delivery page, 3 inside a section of the annual report.
 */
export function PublishedFigures({ published, headingLevel = 2 }: { published: Published; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const headingClass = headingLevel === 2 ? 'govuk-heading-m' : 'govuk-heading-s';
  const o = published.outreachTraining;
  const kinds = published.communications.byKind;
  return (
    <>
      <p className="govuk-body">{quartersEnteredText(published.quartersEntered)}</p>
      <SuppressionNote note={published.note} />
      <PublishedFiguresTable table={published.referrals} year={published.year} firstHeader="Referring sector" />
      <PublishedFiguresTable table={published.channel} year={published.year} firstHeader="Measure" />
      <PublishedFiguresTable table={published.hateCrime} year={published.year} firstHeader="Measure" />
      <p className="govuk-body">
        Hate-crime reports per Prevent referral:{' '}
        <strong>{published.hateCrimeReportsPerReferral === null ? 'not published (a total is suppressed or zero)' : published.hateCrimeReportsPerReferral.toFixed(1)}</strong>
      </p>

      <H className={headingClass}>Training for audiences outside the authorities</H>
      <p className="govuk-body">
        {o.events.toLocaleString('en-GB')} {o.events === 1 ? 'event' : 'events'}, {o.attendees.toLocaleString('en-GB')} attendees; rated good or excellent: {percent(o.feedbackShare)}.
      </p>
      {o.byAudience.length > 0 && (
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-table__caption--s">Outreach training by audience, {published.year}</caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Audience
              </th>
              <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                Events
              </th>
              <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                Attendees
              </th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {o.byAudience.map((a) => (
              <tr className="govuk-table__row" key={a.audience}>
                <th scope="row" className="govuk-table__header">
                  {a.audience}
                </th>
                <td className="govuk-table__cell govuk-table__cell--numeric">{a.events.toLocaleString('en-GB')}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{a.attendees.toLocaleString('en-GB')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <H className={headingClass}>Communications and engagement</H>
      {kinds.length === 0 ? (
        <p className="govuk-body">No communications recorded.</p>
      ) : (
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-table__caption--s">Communications by kind, {published.year}</caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Kind
              </th>
              <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                How many
              </th>
              <th scope="col" className="govuk-table__header govuk-table__header--numeric">
                People reached
              </th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {kinds.map((k) => (
              <tr className="govuk-table__row" key={k.kind}>
                <th scope="row" className="govuk-table__header">
                  {COMMUNICATION_KIND_LABELS[k.kind] ?? k.kind}
                </th>
                <td className="govuk-table__cell govuk-table__cell--numeric">{k.count.toLocaleString('en-GB')}</td>
                <td className="govuk-table__cell govuk-table__cell--numeric">{k.reach.toLocaleString('en-GB')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}


/** The reporting-year picker: a select and Show, kept in the address (`?year=`). */
export function YearSwitcher({ years, year, path, onShow }: { years: readonly string[]; year: string; path: string; onShow: (year: string) => void }) {
  const [chosen, setChosen] = useState(year);
  useEffect(() => setChosen(year), [year]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onShow(chosen);
  };
  const options = years.includes(year) ? years : [year, ...years];
  return (
    <form method="get" action={`${import.meta.env.BASE_URL}${path}`} className="app-year-switcher" onSubmit={submit}>
      <Select name="year" label="Reporting year" value={chosen} onChange={setChosen} options={options.map((y) => ({ value: y, label: y }))} />
      <button type="submit" className="govuk-button govuk-button--secondary" data-module="govuk-button">
        Show
      </button>
    </form>
  );
}

/** A count as typed: a whole number goes as a number; anything else as typed, for the API to judge; empty as undefined. */
export function countOf(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+$/.test(t) ? Number(t) : t;
}
