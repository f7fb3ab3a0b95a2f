import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { MonitorWire } from '@hydra/contract';
import { server } from './msw-server.ts';
import { renderApp } from './render.tsx';

const NOTE =
  '1 of 4 series not analysed: 1 summary series (rpc.duration) — the anomaly job scores gauges, counters and ' +
  'histograms; select rpc.duration_count or rpc.duration_sum (their rate and total) instead';

describe('monitors page', () => {
  it("shows under a monitor's last run what the pass did not analyse", async () => {
    const now = new Date().toISOString();
    const monitor: MonitorWire = {
      key: 'shop/rpc',
      name: 'rpc',
      namespace: 'shop',
      sources: ['jobs'],
      spec: null,
      jobs: [
        {
          kind: 'anomaly',
          lastRunAt: now,
          lastOutcome: 'success',
          lastSuccessAt: now,
          lastFailureAt: null,
          lastError: null,
          note: NOTE,
          consecutiveFailures: 0,
          lastDurationSeconds: 0.4,
        },
      ],
      alerts: { open: 0, firing: 0, worstFiring: null, total: 0, lastStartedAt: null },
    };
    server.use(
      http.get('/api/readyz', () => HttpResponse.json({ status: 'ready', checks: {} })),
      http.get('/api/monitors', () => HttpResponse.json({ monitors: [monitor] })),
    );
    renderApp('/monitors');
    expect(await screen.findByText(NOTE)).toBeInTheDocument();
    expect(screen.getByText('succeeded')).toBeInTheDocument();
  });
});
