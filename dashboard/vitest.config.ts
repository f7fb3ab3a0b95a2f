/** The dashboard's component tests: happy-dom, Testing Library, HTTP mocked at the network layer by msw. */
import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

export default defineProject({
  root: import.meta.dirname,
  plugins: [react()],
  test: {
    name: 'dashboard',
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { url: 'http://localhost:3000/' } },
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
  },
});
