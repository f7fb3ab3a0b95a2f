import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from './msw-server.ts';
import { renderApp } from './render.tsx';

describe('API status banner', () => {
  it('appears while the API is unreachable and goes away by itself when it answers again', async () => {
    let up = false;
    server.use(
      http.get('/api/readyz', () => (up ? HttpResponse.json({ status: 'ready', checks: {} }) : HttpResponse.error())),
      http.get('/api/labels/host.name/values', () => HttpResponse.json({ label: 'host.name', values: [] })),
      http.get('/api/metrics', () =>
        HttpResponse.json({ series: [], stepSeconds: 60, aggregation: 'avg', source: 'raw' }),
      ),
      http.get('/api/alerts', () => HttpResponse.json({ alerts: [], limit: 500, offset: 0 })),
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
