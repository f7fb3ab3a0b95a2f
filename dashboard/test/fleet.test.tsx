import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server } from './msw-server.ts';
import { alert, range } from './fixtures.ts';
import { renderApp } from './render.tsx';

const HOSTS = ['web-1', 'web-2'];

function fleetApi(alerts: ReturnType<typeof alert>[] | 'missing') {
  return [
    http.get('/api/readyz', () => HttpResponse.json({ status: 'ready', checks: {} })),
    http.get('/api/labels/host.name/values', () => HttpResponse.json({ label: 'host.name', values: HOSTS })),
    http.get('/api/metrics', ({ request }) => {
      const url = new URL(request.url);
      const name = url.searchParams.get('name');
      if (name === 'system.cpu.utilization')
        return HttpResponse.json(range(name, '1', { 'web-1': [0.2, 0.25], 'web-2': [0.5, 0.97] }));
      if (name === 'system.memory.usage')
        return HttpResponse.json(range(name, 'By', { 'web-1': [2 * 1024 ** 3, 2 * 1024 ** 3] }));
      return HttpResponse.json(range(name ?? 'all', '', {}));
    }),
    http.get('/api/alerts', () =>
      alerts === 'missing'
        ? HttpResponse.json({ error: 'not_found', message: 'no route for GET /alerts', details: {} }, { status: 404 })
        : HttpResponse.json({ alerts, limit: 500, offset: 0 }),
    ),
  ];
}

describe('fleet view', () => {
  it('lists every host, worst first, with its health and the latest value of each key metric', async () => {
    server.use(...fleetApi([alert()]));
    renderApp('/dashboard');
    const table = await screen.findByRole('table');
    const rows = await within(table).findAllByRole('row');
    // header + 2 hosts; web-2 has a firing critical alert so it comes first
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByRole('link', { name: 'web-2' })).toHaveAttribute('href', '/details/web-2');
    expect(within(rows[1]!).getByText('critical')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('97%')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('healthy')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('2 GiB')).toBeInTheDocument();
    // a metric the host does not send is "no data", not zero
    expect(within(rows[2]!).getAllByText('no data').length).toBeGreaterThan(0);
    // the open alerts count by severity
    const summary = screen.getByRole('heading', { name: 'Open alerts' }).closest('section')!;
    expect(within(summary).getByRole('link', { name: /critical\s*1/ })).toBeInTheDocument();
    expect(await screen.findByText('system.cpu.utilization', { selector: 'span' })).toBeInTheDocument();
  });

  it('says plainly when the API has no alerts route instead of showing zero alerts', async () => {
    server.use(...fleetApi('missing'));
    renderApp('/dashboard');
    expect(await screen.findAllByText('this API does not serve /alerts yet')).not.toHaveLength(0);
    expect(screen.queryByText('no series is anomalous right now')).not.toBeInTheDocument();
  });
});
