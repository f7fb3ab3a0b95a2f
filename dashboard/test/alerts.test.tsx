import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { AlertWire } from '../src/api/analysis-types.ts';
import { server } from './msw-server.ts';
import { alert, range } from './fixtures.ts';
import { renderApp } from './render.tsx';

describe('alerts view', () => {
  it('filters through the URL, opens an alert, and acknowledges it', async () => {
    const stored: AlertWire[] = [
      alert(),
      alert({
        id: 2,
        severity: 'warning',
        labels: { __name__: 'system.memory.usage', 'host.name': 'web-3' },
        summary: 'memory climbing',
      }),
    ];
    const listRequests: URLSearchParams[] = [];
    const acks: unknown[] = [];
    const silences: Record<string, unknown>[] = [];
    server.use(
      http.get('/api/silences', () => HttpResponse.json({ silences })),
      http.post('/api/silences', async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        const created = {
          id: silences.length + 1,
          ...body,
          createdAt: new Date().toISOString(),
          expiredAt: null,
          active: true,
        };
        silences.push(created);
        return HttpResponse.json(created);
      }),
      http.get('/api/readyz', () => HttpResponse.json({ status: 'ready', checks: {} })),
      http.get('/api/labels/host.name/values', () =>
        HttpResponse.json({ label: 'host.name', values: ['web-2', 'web-3'] }),
      ),
      http.get('/api/alerts', ({ request }) => {
        const params = new URL(request.url).searchParams;
        listRequests.push(params);
        const severity = params.get('severity');
        return HttpResponse.json({
          alerts: stored.filter((a) => !severity || a.severity === severity),
          limit: 50,
          offset: 0,
        });
      }),
      http.get('/api/alerts/:id', ({ params }) =>
        HttpResponse.json({ ...stored.find((a) => a.id === Number(params.id)), history: [] }),
      ),
      http.post('/api/alerts/:id/ack', async ({ params, request }) => {
        acks.push(await request.json());
        const a = stored.find((x) => x.id === Number(params.id))!;
        a.acknowledged = { at: new Date().toISOString(), by: 'dashboard', comment: 'rolling back' };
        return HttpResponse.json(a);
      }),
      http.get('/api/metrics', () => HttpResponse.json(range('system.cpu.utilization', '1', { 'web-2': [0.4, 0.97] }))),
    );
    const user = userEvent.setup();
    const { router } = renderApp('/alerts');
    const table = await screen.findByRole('table', { name: 'alerts' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);

    await user.selectOptions(screen.getByLabelText('severity'), 'warning');
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'alerts' })).getAllByRole('row')).toHaveLength(2),
    );
    expect(router.state.location.search).toContain('severity=warning');
    expect(listRequests.at(-1)?.get('severity')).toBe('warning');

    await user.selectOptions(screen.getByLabelText('severity'), '');
    await user.click(await screen.findByText(/above the expected 0.45/));
    const detail = await screen.findByRole('region', { name: 'alert 1' });
    expect(router.state.location.search).toContain('id=1');
    expect(within(detail).getByText('ensemble')).toBeInTheDocument();

    await user.type(within(detail).getByLabelText('comment'), 'rolling back');
    await user.click(within(detail).getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() => expect(acks).toEqual([{ by: 'dashboard', comment: 'rolling back' }]));
    expect(await within(detail).findByRole('button', { name: 'Acknowledged' })).toBeDisabled();

    // silence alerts like it: matchers from the alert's identifying labels, listed once created
    const panel = screen.getByRole('region', { name: 'active silences' });
    expect(within(panel).getByText('no silence is in force')).toBeInTheDocument();
    await user.click(within(detail).getByRole('button', { name: 'Silence' }));
    await waitFor(() => expect(silences).toHaveLength(1));
    expect(silences[0]!.matchers).toEqual([
      { name: 'alertname', op: '=', value: 'HydraAnomaly' },
      { name: 'monitor', op: '=', value: 'demo' },
      { name: '__name__', op: '=', value: 'system.cpu.utilization' },
      { name: 'host.name', op: '=', value: 'web-2' },
    ]);
    expect(await within(panel).findByText(/alertname="HydraAnomaly"/)).toBeInTheDocument();
  });
});
