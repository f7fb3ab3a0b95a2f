/**
 * The dashboard's browser tests: Debian's Chromium driven by playwright-core
 * against a spawned `hydra up` (temporary data directory, free ports, demo
 * workload). One file at a time: each starts a whole hydra.
 */
import { defineProject } from 'vitest/config';

export default defineProject({
  root: import.meta.dirname,
  test: {
    name: 'dashboard-e2e',
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
