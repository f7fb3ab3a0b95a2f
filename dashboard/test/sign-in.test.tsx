import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { getAuthState, requireSignIn, resetAuthState, signIn, TOKEN_STORAGE_KEY } from '../src/api/auth.ts';
import { server } from './msw-server.ts';
import { alert, range } from './fixtures.ts';
import { renderApp } from './render.tsx';

const GOOD = 'eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6Im1ldHJpY3M6cmVhZCJ9.good-signature';
const READ_ONLY = 'eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6Im1ldHJpY3M6cmVhZCJ9.read-only';
const INGEST = 'ingest-token-0123456789';
const EXPIRED = 'eyJhbGciOiJIUzI1NiJ9.e30.expired';

/** Which token may do what, as the API decides it. */
const SCOPES: Record<string, string[]> = {
  [GOOD]: ['metrics:read', 'alerts:write'],
  [READ_ONLY]: ['metrics:read'],
  [INGEST]: ['metrics:write'],
};

/** The API's answer for a request needing `scope`, as api/src/auth would give it; undefined when allowed. */
function refuse(request: Request, scope: string): Response | undefined {
  const header = request.headers.get('authorization');
  if (!header) {
    return HttpResponse.json(
      { error: 'unauthorized', message: 'missing bearer token: send Authorization: Bearer <token>', details: {} },
      { status: 401 },
    );
  }
  const token = header.replace(/^Bearer /, '');
  const scopes = SCOPES[token];
  if (!scopes) {
    const message = token === EXPIRED ? 'bearer token has expired' : 'bearer token signature is invalid';
    return HttpResponse.json({ error: 'unauthorized', message, details: {} }, { status: 401 });
  }
  if (!scopes.includes(scope)) {
    const message =
      token === INGEST ? `the ingest token grants metrics:write only, not ${scope}` : `token lacks the scope ${scope}`;
    return HttpResponse.json({ error: 'forbidden', message, details: { scope } }, { status: 403 });
  }
  return undefined;
}

/** The fleet and alerts API with authentication on; records the Authorization header of every request. */
function securedApi(seen: { url: string; authorization: string | null }[] = []) {
  const read =
    (body: (request: Request) => Response) =>
    ({ request }: { request: Request }) => {
      seen.push({ url: request.url, authorization: request.headers.get('authorization') });
      return refuse(request, 'metrics:read') ?? body(request);
    };
  return [
    http.get('/api/readyz', () => HttpResponse.json({ status: 'ready', checks: {} })),
    http.get(
      '/api/labels',
      read(() => HttpResponse.json({ labels: ['host.name'] })),
    ),
    http.get(
      '/api/labels/host.name/values',
      read(() => HttpResponse.json({ label: 'host.name', values: ['web-1', 'web-2'] })),
    ),
    http.get(
      '/api/metrics',
      read((request) => {
        const name = new URL(request.url).searchParams.get('name') ?? 'all';
        return HttpResponse.json(range(name, '1', name === 'system.cpu.utilization' ? { 'web-1': [0.2, 0.3] } : {}));
      }),
    ),
    http.get(
      '/api/alerts',
      read(() => HttpResponse.json({ alerts: [alert()], limit: 500, offset: 0 })),
    ),
    http.get(
      '/api/alerts/:id',
      read(() => HttpResponse.json({ ...alert(), history: [] })),
    ),
    http.get(
      '/api/silences',
      read(() => HttpResponse.json({ silences: [] })),
    ),
    http.post('/api/alerts/:id/ack', ({ request }) => refuse(request, 'alerts:write') ?? HttpResponse.json(alert())),
    http.post('/api/silences', ({ request }) => refuse(request, 'alerts:write') ?? HttpResponse.json({ id: 1 })),
  ];
}

async function submitToken(user: ReturnType<typeof userEvent.setup>, token: string) {
  const field = screen.getByLabelText('bearer token');
  await user.clear(field);
  await user.type(field, token);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign-in when the API has authentication on', () => {
  it('shows the form on a 401, refuses a bad token and a token without metrics:read, then retries with a good one', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    server.use(...securedApi(seen));
    const user = userEvent.setup();
    const { router } = renderApp('/dashboard');

    // the views' 401s bring up the form, focused on the token field; no sign-out without a token
    const field = await screen.findByLabelText('bearer token');
    await waitFor(() => expect(field).toHaveFocus());
    expect(field).toHaveAttribute('type', 'password');
    expect(screen.getByText(/This hydra API has authentication on/)).toBeInTheDocument();
    expect(screen.queryByText(/You are signed out|was refused/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.getByLabelText(/Remember on this device/)).not.toBeChecked();

    // a rejected token (401): the API's reason, the field marked invalid and focused again
    await submitToken(user, 'not-a-real-token');
    const refused = await screen.findByRole('alert');
    expect(refused).toHaveTextContent('The API refused this token: bearer token signature is invalid.');
    expect(screen.getByLabelText('bearer token')).toHaveAttribute('aria-invalid', 'true');
    await waitFor(() => expect(screen.getByLabelText('bearer token')).toHaveFocus());

    // the ingest token (403): which scope it lacks, in the API's words
    await submitToken(user, INGEST);
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'This token is valid but lacks the scope metrics:read, which the dashboard needs to read metrics (the API says: the ingest token grants metrics:write only, not metrics:read).',
      ),
    );

    // not a bearer token at all: refused before any request
    const before = seen.length;
    await submitToken(user, 'two words');
    expect(screen.getByRole('alert')).toHaveTextContent(/this is not a bearer token/);
    expect(seen).toHaveLength(before);

    // a good token (pasted with its scheme): the views come back and every request carries it
    await submitToken(user, `Bearer ${GOOD}`);
    const table = await screen.findByRole('table');
    expect(await within(table).findByRole('link', { name: 'web-1' })).toBeInTheDocument();
    const after = seen.filter((r) => r.authorization === `Bearer ${GOOD}`);
    expect(after.map((r) => new URL(r.url).pathname)).toEqual(
      expect.arrayContaining(['/api/labels', '/api/labels/host.name/values', '/api/metrics', '/api/alerts']),
    );
    // session only by default; never in the URL
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(GOOD);
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(router.state.location.pathname + router.state.location.search).not.toContain(GOOD);
    expect(seen.every((r) => !r.url.includes(GOOD))).toBe(true);

    // sign out: the token is forgotten and the form is back
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('bearer token')).toBeInTheDocument();
    expect(screen.getByText('You are signed out.')).toBeInTheDocument();
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('"Remember on this device" keeps the token in localStorage', async () => {
    server.use(...securedApi());
    const user = userEvent.setup();
    renderApp('/dashboard');
    await screen.findByLabelText('bearer token');
    await user.click(screen.getByLabelText(/Remember on this device/));
    await submitToken(user, GOOD);
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe(GOOD);
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign out' })).toHaveAttribute(
      'title',
      'token remembered on this device',
    );
  });

  it('a remembered token that has expired brings the form back with the reason, and is forgotten', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, EXPIRED);
    resetAuthState();
    server.use(...securedApi());
    renderApp('/dashboard');
    expect(await screen.findByLabelText('bearer token')).toBeInTheDocument();
    expect(screen.getByText('Your token was refused: bearer token has expired. Sign in again.')).toBeInTheDocument();
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('names the missing scope inline when acknowledging or silencing is forbidden (403)', async () => {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, READ_ONLY);
    resetAuthState();
    server.use(...securedApi());
    const user = userEvent.setup();
    renderApp('/alerts?id=1');
    const detail = await screen.findByRole('region', { name: 'alert 1' });
    await user.click(await within(detail).findByRole('button', { name: 'Acknowledge' }));
    expect(await within(detail).findByText(/^acknowledge failed:/)).toHaveTextContent(
      'acknowledge failed: your token lacks the scope alerts:write: sign in with a token that has it',
    );
    await user.click(within(detail).getByRole('button', { name: 'Silence' }));
    expect(await within(detail).findByText(/^silence failed:/)).toHaveTextContent(
      'silence failed: your token lacks the scope alerts:write: sign in with a token that has it',
    );
    // a 403 is not a sign-in: the token stays and the view stays
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(READ_ONLY);
    expect(screen.queryByLabelText('bearer token')).not.toBeInTheDocument();
    // let the detail's entry animation end: happy-dom rejects an animation cancelled by the unmount
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});

describe('auth state', () => {
  it('ignores a 401 of a request sent with a token that is no longer the current one', () => {
    signIn(GOOD, false);
    requireSignIn(null, 'missing bearer token'); // sent before the sign-in
    requireSignIn('older-token', 'bearer token has expired');
    expect(getAuthState()).toMatchObject({ token: GOOD, signInRequired: false });
    requireSignIn(GOOD, 'bearer token has expired');
    expect(getAuthState()).toMatchObject({ token: null, signInRequired: true });
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });
});
