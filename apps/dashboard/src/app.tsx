import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { Provider, useMutation, useQuery } from 'urql';
import { createApiClient } from './api/client.js';
import { loadSession, onSessionChange, saveSession, type Session } from './api/session.js';
import { BlindBanner } from './components/blind-banner.js';
import { ClockChoiceSelect } from './components/clock-choice.js';
import { ReconnectBanner } from './components/reconnect-banner.js';
import { ThemeChoiceSelect } from './components/theme-choice.js';
import { CustomerPage } from './pages/customer.page.js';
import { CustomersPage } from './pages/customers.page.js';
import { DEMO_QUERY, DemoPage } from './pages/demo.page.js';
import { FleetPage } from './pages/fleet.page.js';
import { HostPage } from './pages/host.page.js';
import { HostsPage } from './pages/hosts.page.js';
import { IncidentPage } from './pages/incident.page.js';
import { IncidentsPage } from './pages/incidents.page.js';
import { LoginPage } from './pages/login.page.js';
import { MonitorPage } from './pages/monitor.page.js';
import { OnCallHeader, OnCallPage } from './pages/oncall.page.js';
import { ReportsPage } from './pages/reports.page.js';
import { ResourcesPage } from './pages/resources.page.js';
import { RunPage } from './pages/run.page.js';
import { RunbookPage } from './pages/runbook.page.js';
import { RunbooksPage } from './pages/runbooks.page.js';
import { ServicePage } from './pages/service.page.js';
import { SettingsPage } from './pages/settings.page.js';
import { SitesPage } from './pages/sites.page.js';
import { StatusPagesPage } from './pages/status-pages.page.js';
import { VantagesPage } from './pages/vantages.page.js';
import { PagingReportPage } from './pages/paging-report.page.js';
import { WallPage } from './pages/wall.page.js';
import { SessionContext } from './session-context.js';

const NAV = [
  ['/fleet', 'Fleet'],
  ['/incidents', 'Incidents'],
  ['/oncall', 'On call'],
  ['/runbooks', 'Runbooks'],
  ['/resources', 'Resources'],
  ['/hosts', 'Hosts'],
  ['/customers', 'Customers'],
  ['/sites', 'Sites'],
  ['/vantages', 'Vantages'],
  ['/reports', 'Reports'],
  ['/status-pages', 'Status pages'],
  ['/settings', 'Settings'],
] as const;

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  useEffect(() => onSessionChange(setSession), []);
  if (!session) return <LoginPage />;
  return <SignedIn session={session} />;
}

/** The main menu; "Live demo" only in a company that holds the demo of the first start. */
function MainNav() {
  const [{ data }] = useQuery<{ demoCompany: { installedAt: string } | null }>({ query: DEMO_QUERY });
  const items: readonly (readonly [string, string])[] = data?.demoCompany ? [['/demo', 'Live demo'], ...NAV] : NAV;
  return (
    <nav aria-label="Main">
      <ul>
        {items.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to}>{label}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** On the Fleet, the first page a newcomer sees: where the guided tour of the demo is. */
function DemoHint() {
  const [{ data }] = useQuery<{ demoCompany: { installedAt: string } | null }>({ query: DEMO_QUERY });
  if (useLocation().pathname !== '/fleet' || !data?.demoCompany) return null;
  return (
    <p className="banner banner-ok" data-testid="demo-hint">
      This company holds a live demo: servers Vigia runs itself, a failover unit, customers and a month of history.{' '}
      <Link to="/demo">Take the guided tour</Link> — stop a web server and watch the incident, the failover and the alert e-mail.
    </p>
  );
}

/** What the page before said on its way here (e.g. what a purge removed), shown once on the page it led to. */
function RouteNotice() {
  const state = useLocation().state as { notice?: unknown } | null;
  if (typeof state?.notice !== 'string') return null;
  return (
    <p className="banner banner-ok" role="status" data-testid="route-notice">
      {state.notice}
    </p>
  );
}

function SignedIn({ session }: { session: Session }) {
  const api = useMemo(() => createApiClient(session), [session]);
  useEffect(() => () => api.close(), [api]);
  // A new clock zone re-renders the pages (their cached data stays), so every time on screen follows it.
  const [clockKey, setClockKey] = useState(0);
  const retime = useCallback(() => setClockKey((k) => k + 1), []);
  // The NOC screen: the whole window, no top bar (wall.page.tsx shows its own banners).
  const wall = useLocation().pathname === '/wall';
  if (wall) {
    return (
      <SessionContext.Provider value={session}>
        <Provider value={api.urql}>
          <WallPage />
        </Provider>
      </SessionContext.Provider>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Provider value={api.urql}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {/* Two rows by design: who is on call, the clock, the theme and the user in a thin strip, the menu below on
            a line of its own, so twelve entries and the choices never wrap into each other at 1366 px. */}
        <header className="topbar">
          <div className="topbar-tools">
            <OnCallHeader />
            <ClockChoiceSelect onChange={retime} />
            <ThemeChoiceSelect />
            <UserMenu session={session} />
          </div>
          <div className="topbar-main">
            <span className="brand">Vigia</span>
            <MainNav />
          </div>
        </header>
        <ReconnectBanner />
        <BlindBanner />
        <DemoHint />
        <RouteNotice />
        <main id="main" tabIndex={-1} key={clockKey}>
          <Routes>
            <Route path="/" element={<Navigate to="/fleet" replace />} />
            <Route path="/fleet" element={<FleetPage />} />
            <Route path="/incidents" element={<IncidentsPage />} />
            <Route path="/incidents/:id" element={<IncidentPage />} />
            <Route path="/oncall" element={<OnCallPage />} />
            <Route path="/runbooks" element={<RunbooksPage />} />
            <Route path="/runbooks/:id" element={<RunbookPage />} />
            <Route path="/runs/:id" element={<RunPage />} />
            <Route path="/resources" element={<ResourcesPage />} />
            <Route path="/hosts" element={<HostsPage />} />
            <Route path="/hosts/:id" element={<HostPage />} />
            <Route path="/monitors/:id" element={<MonitorPage />} />
            <Route path="/services/:id" element={<ServicePage />} />
            <Route path="/customers" element={<CustomersPage />} />
            <Route path="/customers/:id" element={<CustomerPage />} />
            <Route path="/sites" element={<SitesPage />} />
            <Route path="/vantages" element={<VantagesPage />} />
            <Route path="/reports" element={<ReportsPage />} />
            <Route path="/reports/paging" element={<PagingReportPage />} />
            <Route path="/status-pages" element={<StatusPagesPage />} />
            <Route path="/settings" element={<SettingsPage />} />
            <Route path="/demo" element={<DemoPage />} />
            <Route path="*" element={<p>This page does not exist.</p>} />
          </Routes>
        </main>
      </Provider>
    </SessionContext.Provider>
  );
}

function UserMenu({ session }: { session: Session }) {
  const [, logout] = useMutation('mutation { logout }');
  const signOut = async () => {
    // The session ends on the server too; signed out locally whatever the answer (the token may have expired).
    await logout({}).catch(() => undefined);
    saveSession(null);
  };
  return (
    <div className="user">
      <span>
        {session.email} <span className="muted">({session.role}, {session.tenantName})</span>
      </span>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}
