/** Routes; every view is its own chunk (route-level code splitting). */
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router';
import { Layout } from './layout.tsx';
import { RouteError } from './route-error.tsx';

/** The route table (also used by the component tests with a memory router). */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/dashboard" replace /> },
      { path: 'dashboard', lazy: () => import('../pages/fleet-page.tsx').then((m) => ({ Component: m.FleetPage })) },
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

export function createRouter() {
  return createBrowserRouter(routes);
}
