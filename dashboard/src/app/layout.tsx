/**
 * The frame of every view: navigation (keeping the time range across views),
 * the time range picker, the theme switch, sign-out, and the API status banner.
 * While the API wants a token (a 401), the sign-in form takes the place of the view.
 */
import { Activity, Bell, Compass, LayoutDashboard, ListChecks } from 'lucide-react';
import { Suspense } from 'react';
import { NavLink, Outlet, useLocation, useNavigation } from 'react-router';
import { useAuth } from '../api/auth.ts';
import { ApiStatusBanner } from '../components/api-status-banner.tsx';
import { PanelLoading } from '../components/panel-state.tsx';
import { ThemeToggle } from '../components/theme-toggle.tsx';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { SignInForm } from '../features/auth/sign-in-form.tsx';
import { SignOutButton } from '../features/auth/sign-out-button.tsx';
import { cn } from '../lib/utils.ts';

const NAV = [
  { to: '/dashboard', label: 'Fleet', icon: LayoutDashboard },
  { to: '/alerts', label: 'Alerts', icon: Bell },
  { to: '/explore', label: 'Explore', icon: Compass },
  { to: '/monitors', label: 'Monitors', icon: ListChecks },
] as const;

/** Search string carrying only the time range, so switching views keeps it. */
function rangeSearch(search: string): string {
  const current = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const key of ['from', 'to']) {
    const v = current.get(key);
    if (v) kept.set(key, v);
  }
  const s = kept.toString();
  return s ? `?${s}` : '';
}

export function Layout() {
  const location = useLocation();
  const navigation = useNavigation();
  const search = rangeSearch(location.search);
  const { signInRequired } = useAuth();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="sticky top-0 z-20 border-b bg-background/95 backdrop-blur">
        <div className="flex min-h-11 flex-wrap items-center gap-x-3 gap-y-1 px-3 py-1.5 md:px-4">
          <NavLink
            to={`/dashboard${search}`}
            className="flex items-center gap-1.5 font-semibold"
            aria-label="hydra home"
          >
            <Activity aria-hidden className="size-4 text-ok" />
            hydra
          </NavLink>
          <nav aria-label="main" className="flex min-w-0 items-center gap-0.5">
            {NAV.map(({ to, label, icon: Icon }) => (
              <NavLink
                key={to}
                to={`${to}${search}`}
                className={({ isActive }) =>
                  cn(
                    'flex items-center gap-1.5 rounded-md px-1.5 py-1 text-sm sm:px-2 text-muted-foreground hover:bg-accent hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none',
                    (isActive || (to === '/dashboard' && location.pathname.startsWith('/details'))) &&
                      'bg-secondary text-foreground',
                  )
                }
              >
                <Icon aria-hidden className="size-4" />
                {label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex flex-wrap items-center justify-end gap-2">
            <TimeRangePicker />
            <ThemeToggle />
            <SignOutButton />
          </div>
        </div>
        <ApiStatusBanner />
        {navigation.state === 'loading' && <div aria-hidden className="h-0.5 w-full animate-pulse bg-ring" />}
      </header>
      <main className="mx-auto w-full max-w-[2200px] min-w-0 flex-1 p-3 md:p-4">
        {signInRequired ? (
          <SignInForm />
        ) : (
          <Suspense fallback={<PanelLoading className="h-64" />}>
            <Outlet />
          </Suspense>
        )}
      </main>
    </div>
  );
}
