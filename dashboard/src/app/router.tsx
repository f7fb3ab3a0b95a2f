/** Routes; every view is its own chunk (route-level code splitting). */
import type { QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { prefetchFleet } from '../features/fleet/fleet-queries.ts';
import { rangeFromParams } from '../lib/time-range.ts';
import { Layout } from './layout.tsx';
import { PanelLoading } from '../components/panel-state.tsx';
import { RouteError } from './route-error.tsx';

/** The page before its first view's chunk has loaded. */
function AppLoading() {
  return <PanelLoading className="h-screen p-4" label="loading hydra" />;
}

/**
 * The route table (also used by the component tests with a memory router).
 * The fleet route's loader starts its queries while its chunk downloads; it
 * does not wait for them (each panel shows its own loading state).
 */
export function createRoutes(client: QueryClient): RouteObject[] {
  return [
    {
      element: <Layout />,
      errorElement: <RouteError />,
      // shown while the first route's chunk (and the fleet's loader) loads on a fresh page load
      HydrateFallback: AppLoading,
      children: [
        { index: true, element: <Navigate to="/dashboard" replace /> },
        {
          path: 'dashboard',
          loader: ({ request }) => {
            prefetchFleet(client, rangeFromParams(new URL(request.url).searchParams)).catch(() => undefined);
            return null;
          },
          lazy: () => import('../pages/fleet-page.tsx').then((m) => ({ Component: m.FleetPage })),
        },
        {
          path: 'details/:host',
          lazy: () => import('../pages/host-details-page.tsx').then((m) => ({ Component: m.HostDetailsPage })),
        },
        { path: 'alerts', lazy: () => import('../pages/alerts-page.tsx').then((m) => ({ Component: m.AlertsPage })) },
        {
          path: 'explore',
          lazy: () => import('../pages/explorer-page.tsx').then((m) => ({ Component: m.ExplorerPage })),
        },
        {
          path: 'monitors',
          lazy: () => import('../pages/monitors-page.tsx').then((m) => ({ Component: m.MonitorsPage })),
        },
        { path: '*', lazy: () => import('../pages/not-found-page.tsx').then((m) => ({ Component: m.NotFoundPage })) },
      ],
    },
  ];
}

export function createRouter(client: QueryClient) {
  return createBrowserRouter(createRoutes(client));
}
