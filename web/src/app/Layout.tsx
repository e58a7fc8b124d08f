import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { call } from '../api/client';
import { useApi, useServices } from './context';
import { abilities, CHOOSE_PARTNERSHIP_PATH, partnershipChoice, ROLE_LABELS, useMe, useMemberships } from './session';
import { SERVICE_NAME } from '../components/PageTitle';
import { Loading, LoadError } from '../components/ui';
import { reportingYear } from '../components/admin-labels';

interface NavItem {
  to: string;
  label: string;
  /** Active on this path only, not on the paths under it (an authority's overview). */
  exact?: boolean;
}

/** `policeAuthority`: the user's authority is in the police sector (its leads and editors enter the delivery figures). */
function navFor(me: ReturnType<typeof useMe>['data'], policeAuthority = false): NavItem[] {
  const can = abilities(me);
  if (can.seesPartnership) {
    return [
      { to: '/dashboard', label: 'Dashboard' },
      { to: '/report', label: 'Report' },
      // The annual report is the whole partnership's: not for a viewer bound to one authority (the API refuses it).
      ...(me?.role === 'viewer' && me.authorityId ? [] : [{ to: '/annual-report', label: 'Annual report' }]),
      { to: '/action-plans', label: 'Action plan' },
      { to: '/delivery', label: 'Delivery figures' },
      { to: '/authorities', label: 'Authorities' },
      { to: '/sops', label: 'SOPs' },
      ...(can.managesUsers ? [{ to: '/users', label: 'Users' }] : []),
      ...(can.readsAudit ? [{ to: '/audit', label: 'Audit trail' }] : []),
      { to: '/settings', label: 'Settings' },
    ];
  }
  if (me?.authorityId) {
    const base = `/authorities/${me.authorityId}`;
    return [
      { to: base, label: 'My authority', exact: true },
      { to: `${base}/statements/${reportingYear()}`, label: 'Assurance statement' },
      { to: `${base}/training`, label: 'Training' },
      { to: `${base}/sop`, label: 'SOP' },
      { to: `${base}/it-filter-assurances`, label: 'IT filter' },
      { to: '/action-plans', label: 'Action plan' },
      ...(policeAuthority ? [{ to: '/delivery', label: 'Delivery figures' }] : []),
    ];
  }
  return [];
}

/**
 * Every signed-in page: skip link, the service's own header (no crown, no GOV.UK logotype —
 * this is not a GOV.UK service), service navigation by role, the page, and the footer.
 */
export function Layout() {
  const me = useMe();
  const { auth } = useServices();
  const location = useLocation();
  // The authority's sector, for the police's "Delivery figures" item: the query the authority's pages share, kept for a while.
  const api = useApi();
  const ownAuthority = abilities(me.data).isAuthorityUser ? me.data?.authorityId : undefined;
  const authority = useQuery({
    queryKey: ['authority', ownAuthority],
    queryFn: () => call(api.GET('/authorities/{id}', { params: { path: { id: ownAuthority! } } })),
    enabled: !!ownAuthority,
    staleTime: 10 * 60_000,
  });
  const items = navFor(me.data, authority.data?.sector === 'police');
  const memberships = useMemberships();
  const severalPartnerships = (memberships.data?.items.length ?? 0) > 1;
  const navigate = useNavigate();
  const choosing = location.pathname === CHOOSE_PARTNERSHIP_PATH;
  // A person in several partnerships picks one after signing in, before any page of one.
  const mustChoose = severalPartnerships && !!me.data && !partnershipChoice.made(me.data.userId) && !choosing;
  useEffect(() => {
    if (mustChoose) void navigate(CHOOSE_PARTNERSHIP_PATH, { replace: true, state: { returnTo: `${location.pathname}${location.search}` } });
  }, [mustChoose, navigate, location.pathname, location.search]);
  return (
    <>
      <a href="#main-content" className="govuk-skip-link" data-module="govuk-skip-link">
        Skip to main content
      </a>
      <header className="govuk-generic-header app-header">
        <div className="govuk-generic-header__container govuk-width-container">
          <div className="govuk-generic-header__logo">
            <Link to="/" className="govuk-generic-header__homepage-link">
              {me.data?.partnershipName ?? 'Prevent partnership'}
            </Link>
          </div>
          {me.data && (
            <div className="app-header__account">
              <span className="app-header__role">{ROLE_LABELS[me.data.role]}{me.data.authorityName ? `, ${me.data.authorityName}` : ''}</span>
              {/* Styled as the header's other action (white on the header, focus colours). */}
              {severalPartnerships && !choosing && (
                <Link to={CHOOSE_PARTNERSHIP_PATH} className="app-header__sign-out govuk-link">
                  Switch partnership
                </Link>
              )}
              <button type="button" className="app-header__sign-out govuk-link" onClick={() => {
                  partnershipChoice.forget();
                  void auth.signOut();
                }}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <section aria-label="Service information" className="govuk-service-navigation">
        <div className="govuk-width-container">
          <div className="govuk-service-navigation__container">
            <span className="govuk-service-navigation__service-name">
              <Link to="/" className="govuk-service-navigation__link">
                {SERVICE_NAME}
              </Link>
            </span>
            {items.length > 0 && (
              <nav aria-label="Menu" className="govuk-service-navigation__wrapper">
                <ul className="govuk-service-navigation__list app-service-navigation__list" id="navigation">
                  {items.map((item) => {
                    const active = location.pathname === item.to || (!item.exact && location.pathname.startsWith(`${item.to}/`));
                    return (
                      <li key={item.to} className={`govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}`}>
                        <NavLink className="govuk-service-navigation__link" to={item.to} aria-current={active ? 'page' : undefined}>
                          {active ? <strong className="govuk-service-navigation__active-fallback">{item.label}</strong> : item.label}
                        </NavLink>
                      </li>
                    );
                  })}
                </ul>
              </nav>
            )}
          </div>
        </div>
      </section>
      <div className="govuk-width-container">
        <main className="govuk-main-wrapper" id="main-content">
          {me.isPending || memberships.isPending || mustChoose ? (
            <Loading what="Signing you in" />
          ) : me.error ? (
            <LoadError error={me.error} retry={() => void me.refetch()} />
          ) : (
            <Outlet />
          )}
        </main>
      </div>
      <footer className="govuk-footer">
        <div className="govuk-width-container">
          <div className="govuk-footer__meta">
            <div className="govuk-footer__meta-item govuk-footer__meta-item--grow">
              <h2 className="govuk-visually-hidden">Support links</h2>
              <ul className="govuk-footer__inline-list">
                <li className="govuk-footer__inline-list-item">
                  <Link className="govuk-footer__link" to="/accessibility">
                    Accessibility statement
                  </Link>
                </li>
              </ul>
              <p className="govuk-body-s app-footer__text">
                {SERVICE_NAME}: records of the Prevent duty (Counter-Terrorism and Security Act 2015, section 26) for a county's Prevent partnership.
              </p>
            </div>
          </div>
        </div>
      </footer>
    </>
  );
}
