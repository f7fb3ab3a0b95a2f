/** Renders the app at a URL with a fresh QueryClient (no retries) and a memory router. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { MotionProvider } from '../src/app/motion-provider.tsx';
import { createRoutes } from '../src/app/router.tsx';

export function renderApp(url: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(createRoutes(client), { initialEntries: [url] });
  const view = render(
    <QueryClientProvider client={client}>
      <MotionProvider>
        <RouterProvider router={router} />
      </MotionProvider>
    </QueryClientProvider>,
  );
  return { ...view, client, router };
}
