import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { MotionGlobalConfig } from 'motion/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { resetAuthState } from '../src/api/auth.ts';
import { server } from './msw-server.ts';

// Views are lazy chunks: the first render of a file waits for its transform on a busy machine.
configure({ asyncUtilTimeout: 15_000 });
// Animations end at once: one still running when a test unmounts its view is cancelled, and happy-dom rejects
// a cancelled animation's promise with nobody to catch it (an unhandled AbortError that fails the whole run).
MotionGlobalConfig.skipAnimations = true;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  // No token or pending sign-in leaks from one test into the next.
  localStorage.clear();
  sessionStorage.clear();
  resetAuthState();
});
afterAll(() => server.close());
