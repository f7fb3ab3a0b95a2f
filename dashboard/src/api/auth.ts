/**
 * The dashboard's bearer token and whether the API wants one.
 *
 * The token lives in sessionStorage (this tab, until it closes: the default)
 * or in localStorage ("remember on this device"), under `hydra.token`. It is
 * only ever sent in the Authorization header: never in a URL, never logged.
 *
 * When a request answers 401 the client calls `requireSignIn`; the layout then
 * shows the sign-in form instead of the views. A 401 caused by a token that is
 * no longer the current one (a request still in flight when the user signed in)
 * is ignored.
 */
import { useSyncExternalStore } from 'react';

/** Storage key of the bearer token, in sessionStorage or localStorage. */
export const TOKEN_STORAGE_KEY = 'hydra.token';

/** The bearer token alphabet (RFC 6750 §2.1), the same rule the API applies. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

export type TokenPersistence = 'session' | 'local';

export interface AuthState {
  /** The token sent with every request, or null. */
  token: string | null;
  /** Where the token is kept. */
  persistence: TokenPersistence | null;
  /** The API answered 401: the views give way to the sign-in form. */
  signInRequired: boolean;
  /** Why: the API's message for the refused request (no token, or a token it refused). */
  reason: { tokenRefused: boolean; message: string } | null;
  /** The user signed out in this tab (the form says so). */
  signedOut: boolean;
}

let state: AuthState = { ...readStoredToken(), signInRequired: false, reason: null, signedOut: false };
const listeners = new Set<() => void>();

function storageOf(persistence: TokenPersistence): Storage | undefined {
  try {
    return persistence === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
  } catch {
    // Storage can be disabled (privacy mode): the dashboard then works without a token.
    return undefined;
  }
}

function readStoredToken(): Pick<AuthState, 'token' | 'persistence'> {
  for (const persistence of ['session', 'local'] as const) {
    try {
      const token = storageOf(persistence)?.getItem(TOKEN_STORAGE_KEY);
      if (token) return { token, persistence };
    } catch {
      // unreadable storage: as if empty
    }
  }
  return { token: null, persistence: null };
}

function removeStoredToken(): void {
  for (const persistence of ['session', 'local'] as const) {
    try {
      storageOf(persistence)?.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      // nothing stored there
    }
  }
}

function update(next: Partial<AuthState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

/** Another tab signed in or out (localStorage only: sessionStorage is per tab). */
function onStorage(event: StorageEvent): void {
  if (event.key !== TOKEN_STORAGE_KEY && event.key !== null) return;
  syncStoredToken();
}

/** Picks up a token changed behind our back (another tab, an older dashboard's localStorage key). */
function syncStoredToken(): void {
  const stored = readStoredToken();
  if (stored.token !== state.token || stored.persistence !== state.persistence) update(stored);
}

export function subscribeAuth(listener: () => void): () => void {
  if (listeners.size === 0) globalThis.addEventListener?.('storage', onStorage);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) globalThis.removeEventListener?.('storage', onStorage);
  };
}

export function getAuthState(): AuthState {
  return state;
}

/** The auth state, re-rendering on sign-in, sign-out and 401s. */
export function useAuth(): AuthState {
  return useSyncExternalStore(subscribeAuth, getAuthState, getAuthState);
}

/** The token to send now (re-read from storage, so another tab's sign-in counts). */
export function currentToken(): string | null {
  syncStoredToken();
  return state.token;
}

/**
 * Normalises a pasted token: trims it and drops a leading `Bearer `.
 *
 * @throws Error with a message for the form when it is empty or not a bearer token
 */
export function parseToken(input: string): string {
  const token = input.trim().replace(/^Bearer\s+/i, '');
  if (token === '') throw new Error('paste a token first');
  if (!TOKEN68.test(token)) {
    throw new Error(
      'this is not a bearer token: it may only hold letters, digits and - . _ ~ + / (then = padding), with no spaces',
    );
  }
  return token;
}

/** Keeps an accepted token (session only unless `remember`) and closes the sign-in form. */
export function signIn(token: string, remember: boolean): void {
  removeStoredToken();
  const persistence: TokenPersistence = remember ? 'local' : 'session';
  try {
    storageOf(persistence)?.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage full or disabled: the token still works for this page's lifetime.
  }
  update({ token, persistence, signInRequired: false, reason: null, signedOut: false });
}

/** Forgets the token everywhere; the next request tells whether the API needs one (401 → the form). */
export function signOut(): void {
  removeStoredToken();
  update({ token: null, persistence: null, signedOut: true });
}

/**
 * A request sent with `tokenUsed` answered 401. Shows the sign-in form, and
 * forgets the token when the API refused it (expired, bad signature). Ignored
 * when the token has changed since the request left.
 */
export function requireSignIn(tokenUsed: string | null, message: string): void {
  if (tokenUsed !== currentToken()) return;
  if (tokenUsed !== null) removeStoredToken();
  if (state.signInRequired && state.reason?.message === message && state.token === null) return;
  update({
    token: null,
    persistence: null,
    signInRequired: true,
    reason: { tokenRefused: tokenUsed !== null, message },
  });
}

/** Re-reads storage and forgets any pending sign-in (tests, between renders of a fresh app). */
export function resetAuthState(): void {
  state = { ...readStoredToken(), signInRequired: false, reason: null, signedOut: false };
  for (const listener of listeners) listener();
}
