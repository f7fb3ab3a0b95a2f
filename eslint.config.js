import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * The layering of the workspaces: the @hydra packages each one's source may import. A package never imports one
 * above it (the API imports the analysis, never the reverse); the dashboard sees only the wire contract.
 * Tests may reach further (an end-to-end test drives the layer above), through their devDependencies.
 */
const LAYERS = {
  logging: [],
  // The shared vocabulary without I/O (severities, defaults, durations, the Lifecycle interface): any layer uses it.
  schema: [],
  contract: ['schema'],
  analytics: [],
  storage: ['logging', 'schema'],
  collector: ['logging', 'storage', 'contract', 'schema'],
  analysis: ['logging', 'storage', 'analytics', 'schema'],
  operator: ['logging', 'schema'],
  api: ['logging', 'schema', 'storage', 'contract', 'collector', 'analysis'],
  cli: [
    'logging',
    'storage',
    'contract',
    'collector',
    'analysis',
    'analytics',
    'api',
    'schema',
    'operator',
    'dashboard',
  ],
  dashboard: ['contract'],
};
const WORKSPACES = Object.keys(LAYERS);

/** What `analytics` (pure time-series algorithms) may not import: anything that does I/O. */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'tls',
  'dgram',
  'dns',
  'http',
  'https',
  'http2',
  'child_process',
  'cluster',
  'worker_threads',
  'readline',
  'inspector',
].flatMap((m) => [m, `node:${m}`]);
const IO_PACKAGES = ['pg', 'pg-copy-streams', '@electric-sql/pglite', 'undici', 'fastify', '@grpc/grpc-js'];

function layering(workspace) {
  const denied = WORKSPACES.filter((w) => w !== workspace && !LAYERS[workspace].includes(w)).map((w) => `@hydra/${w}`);
  const patterns = [
    ...(denied.length === 0
      ? []
      : [
          {
            group: denied.flatMap((name) => [name, `${name}/*`]),
            message:
              LAYERS[workspace].length === 0
                ? `${workspace} imports no @hydra package (layering: see docs/architecture.md)`
                : `${workspace} may import only ${LAYERS[workspace].map((w) => `@hydra/${w}`).join(', ')} (layering: see docs/architecture.md)`,
          },
        ]),
  ];
  if (workspace === 'analytics') {
    patterns.push({ group: IO_PACKAGES, message: 'analytics is free of I/O: the callers read and write' });
  }
  return {
    files: [`${workspace}/src/**/*.{ts,tsx}`],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      // Another workspace's files by relative path bypass its package boundary and its declaration.
      'import-x/no-relative-packages': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns,
          ...(workspace === 'analytics'
            ? {
                paths: IO_MODULES.map((name) => ({
                  name,
                  message: 'analytics is free of I/O: the callers read and write',
                })),
              }
            : {}),
        },
      ],
    },
  };
}

/** Every workspace declares what it imports: dependencies for its source, devDependencies for its tests. */
function declarations(workspace) {
  return {
    files: [`${workspace}/**/*.{ts,tsx,js}`],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver()] },
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        {
          // The root holds the shared tooling (vitest, eslint, the OpenTelemetry SDK exporters the tests use as clients).
          packageDir: [path.join(ROOT, workspace), ROOT],
          devDependencies: [
            `${workspace}/{test,e2e,bench}/**`,
            `${workspace}/*.config.ts`,
            `${workspace}/src/**/testing.ts`,
            `${workspace}/src/**/testing/**`,
          ],
          includeTypes: true,
          optionalDependencies: false,
          peerDependencies: true,
        },
      ],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'coverage/**',
      '.hydra/**',
      'test-results/**',
      'dashboard/dist*/**',
      'docs/screenshots/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // The dashboard's React code: the rules of hooks.
  { files: ['dashboard/**/*.{ts,tsx}'], ...reactHooks.configs.flat['recommended-latest'] },
  ...WORKSPACES.map(declarations),
  ...WORKSPACES.map(layering),
  // analytics loads its dependencies' WebAssembly from their package directories (module loading, not data I/O).
  { files: ['analytics/src/forecast/augurs-wasm.ts'], rules: { 'no-restricted-imports': 'off' } },
);
