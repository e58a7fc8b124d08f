import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';

/** Rows per page of a long table (every authority of a county with its schools: 300 to 600). */
export const PAGE_SIZE = 50;

/** The current page from the address (1-based, clamped to the pages there are). */
export function usePage(total: number, pageSize = PAGE_SIZE): { page: number; pages: number; from: number; to: number } {
  const [params] = useSearchParams();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const asked = Number.parseInt(params.get('page') ?? '1', 10);
  const page = Number.isInteger(asked) ? Math.min(Math.max(1, asked), pages) : 1;
  return { page, pages, from: (page - 1) * pageSize, to: Math.min(total, page * pageSize) };
}

/** "Showing 51 to 100 of 312 authorities", announced when it changes (a filter or a page). */
export function ResultCount({ from, to, total, of }: { from: number; to: number; total: number; of: string }) {
  return (
    <p className="govuk-body" role="status">
      {total === 0 ? `No ${of} match these filters.` : total <= to - from ? `Showing all ${total} ${of}.` : `Showing ${from + 1} to ${to} of ${total} ${of}.`}
    </p>
  );
}

/** Page numbers to show: the first, the last, and two either side of the current one; gaps as null. */
export function pageItems(page: number, pages: number): (number | null)[] {
  const keep = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...keep].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1] > 1) out.push(null);
    out.push(p);
  });
  return out;
}

/**
 * GOV.UK pagination (previous, numbered pages, next) as links to `?page=N`, keeping the filters
 * and sort. After a page change the focus goes to `focusId` (the table's caption), so keyboard
 * and screen-reader users start reading the new rows, not the footer.
 */
export function Pagination({ page, pages, label, focusId }: { page: number; pages: number; label: string; focusId: string }) {
  const [params] = useSearchParams();
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    document.getElementById(focusId)?.focus();
  }, [page, focusId]);
  if (pages <= 1) return null;
  const to = (p: number) => {
    const next = new URLSearchParams(params);
    if (p === 1) next.delete('page');
    else next.set('page', String(p));
    return { search: `?${next.toString()}` };
  };
  const go = () => {
    moved.current = true;
  };
  return (
    <nav className="govuk-pagination" aria-label={label}>
      {page > 1 && (
        <div className="govuk-pagination__prev">
          <Link className="govuk-link govuk-pagination__link" to={to(page - 1)} rel="prev" onClick={go} preventScrollReset>
            <svg className="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">
              <path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z" />
            </svg>
            <span className="govuk-pagination__link-title">
              Previous<span className="govuk-visually-hidden"> page</span>
            </span>
          </Link>
        </div>
      )}
      <ul className="govuk-pagination__list">
        {pageItems(page, pages).map((p, i) =>
          p === null ? (
            <li className="govuk-pagination__item govuk-pagination__item--ellipses" key={`gap-${i}`}>
              &ctdot;
            </li>
          ) : (
            <li className={`govuk-pagination__item${p === page ? ' govuk-pagination__item--current' : ''}`} key={p}>
              <Link className="govuk-link govuk-pagination__link" to={to(p)} aria-label={`Page ${p}`} aria-current={p === page ? 'page' : undefined} onClick={go} preventScrollReset>
                {p}
              </Link>
            </li>
          ),
        )}
      </ul>
      {page < pages && (
        <div className="govuk-pagination__next">
          <Link className="govuk-link govuk-pagination__link" to={to(page + 1)} rel="next" onClick={go} preventScrollReset>
            <span className="govuk-pagination__link-title">
              Next<span className="govuk-visually-hidden"> page</span>
            </span>
            <svg className="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">
              <path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z" />
            </svg>
          </Link>
        </div>
      )}
    </nav>
  );
}
