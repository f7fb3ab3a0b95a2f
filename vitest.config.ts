import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dashboard/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core machines: a few files at a time, each in its own process.
    pool: 'forks',
    maxWorkers: 2,
  },
});
