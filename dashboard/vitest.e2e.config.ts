/**
 * The dashboard's browser tests: Debian's Chromium driven by playwright-core
 * against a spawned `hydra up` (temporary data directory, free ports, demo
 * workload). One file at a time: each starts a whole hydra. Part of the integration tier
 * (`npm run test:integration`): its preflight checks that Chromium is installed.
 */
import { defineProject } from 'vitest/config';
import { PREFLIGHT } from '../testing/tiers.ts';

export default defineProject({
  root: import.meta.dirname,
  test: {
    name: 'dashboard-e2e',
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globalSetup: [PREFLIGHT],
  },
});
