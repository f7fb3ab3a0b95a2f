import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from './msw-server.ts';
import { renderApp } from './render.tsx';

const EMPTY_PANELS = [
  http.get('/api/labels/host.name/values', () => HttpResponse.json({ label: 'host.name', values: [] })),
  http.get('/api/metrics', () => HttpResponse.json({ series: [], stepSeconds: 60, aggregation: 'avg', source: 'raw' })),
  http.get('/api/alerts', () => HttpResponse.json({ alerts: [], limit: 500, offset: 0 })),
];

describe('API status banner', () => {
  it('does not appear for one failed check that the retry a second later answers', async () => {
    let checks = 0;
    server.use(
      http.get('/api/readyz', () => {
        checks += 1;
        return checks === 1 ? HttpResponse.error() : HttpResponse.json({ status: 'ready', checks: {} });
      }),
      ...EMPTY_PANELS,
    );
    let bannerShown = false;
    const watch = setInterval(() => {
      if (screen.queryByText('API unavailable')) bannerShown = true;
    }, 20);
    try {
      renderApp('/dashboard');
      await waitFor(() => expect(checks).toBe(2), { timeout: 5000 });
      expect(await screen.findByText(/no host has sent metrics yet/)).toBeInTheDocument();
    } finally {
      clearInterval(watch);
    }
    expect(bannerShown).toBe(false);
  });

  it('appears while the API is unreachable and goes away by itself when it answers again', async () => {
    let up = false;
    server.use(
      http.get('/api/readyz', () => (up ? HttpResponse.json({ status: 'ready', checks: {} }) : HttpResponse.error())),
      ...EMPTY_PANELS,
    );
    renderApp('/dashboard');
    expect(await screen.findByText('API unavailable')).toBeInTheDocument();
    expect(screen.getByText(/the API cannot be reached/)).toBeInTheDocument();
    up = true;
    await waitFor(() => expect(screen.queryByText('API unavailable')).not.toBeInTheDocument(), { timeout: 8000 });
    // the panels show honest empty states, not blanks
    expect(await screen.findByText(/no host has sent metrics yet/)).toBeInTheDocument();
  });
});
