/**
 * The curl examples of README.md and docs/*.md run against a real `hydra up` (fresh data directory, free ports),
 * so the docs cannot rot: every `curl` line of a shell code block that targets hydra's ports on localhost is
 * run with bash (continuation lines joined; `x=$(curl …)` lines before it in the same block run first), its
 * ports rewritten to the test's, and must succeed (HTTP 2xx/3xx, and a pipeline into jq must parse) — or, when
 * the next line documents an error (`# 400 {"error":"invalid_parameter",…}`), fail with that status and code.
 * curl and jq are the tools of the examples; this tier has them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnHydraUp, waitFor, type HydraProcess, type HydraUpPorts } from './helpers.ts';
import { demoSaturation } from '../../testing/demo-saturation.ts';

const STARTUP_TIMEOUT_MS = 120_000;
/** How long the examples that act on an alert wait for the first one (the anomaly jobs run every 5 minutes). */
const ALERT_WAIT_MS = 6 * 60_000;
/** Quiet time before a saturated CPU is reported, when no demo incident raised an alert by then. */
const ALERT_QUIET_MS = 20_000;
/** The ports of hydra's listeners as the docs write them, and which of the test's ports each one is. */
const DOC_PORTS: Record<string, keyof HydraUpPorts> = {
  '8080': 'api',
  '4318': 'otlpHttp',
  '9464': 'metrics',
  '3000': 'dashboard',
};
const HYDRA_URL = /\b(?:localhost|127\.0\.0\.1):(8080|4318|9464|3000)\b/g;
const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell']);

interface Example {
  /** file:line, for failure messages */
  where: string;
  command: string;
  /** `x=$(curl …)` lines before it in the same block */
  preamble: string[];
  /** the documented error, when the next line is `# <status> {…"error":"<code>"…}` */
  error: { status: number; code: string | undefined } | null;
}

/** The curl examples of one Markdown file that reach hydra's own ports. */
function curlExamples(file: string, markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  let language: string | null = null;
  let preamble: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(\w*)/.exec(lines[i]!);
    if (fence) {
      language = language === null ? fence[1]! : null;
      preamble = [];
      continue;
    }
    if (language === null || !SHELL_LANGUAGES.has(language)) continue;
    const first = i;
    let logical = lines[i]!;
    while (logical.trimEnd().endsWith('\\') && i + 1 < lines.length) {
      logical = `${logical.trimEnd().slice(0, -1)} ${lines[++i]!.trim()}`;
    }
    const text = logical.trim();
    if (!HYDRA_URL.test(text)) continue;
    HYDRA_URL.lastIndex = 0;
    if (/^[A-Za-z_]\w*=\$\(curl /.test(text)) {
      preamble.push(text);
      continue;
    }
    if (!text.startsWith('curl ')) continue;
    const documented = /^#\s*(\d{3})\b(?:.*"error":"([a-z_]+)")?/.exec(lines[i + 1]?.trim() ?? '');
    out.push({
      where: `${file}:${first + 1}`,
      command: text,
      preamble: [...preamble],
      error: documented ? { status: Number(documented[1]), code: documented[2] } : null,
    });
  }
  return out;
}

async function allExamples(): Promise<Example[]> {
  const files = [
    'README.md',
    ...(await readdir(path.join(REPO_ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ];
  const out: Example[] = [];
  for (const file of files) out.push(...curlExamples(file, await readFile(path.join(REPO_ROOT, file), 'utf8')));
  return out;
}

/** Waits for an alert to exist (the examples that acknowledge one take the newest); a saturated CPU if none comes. */
async function someAlert(ports: HydraUpPorts): Promise<void> {
  const injectFrom = Date.now() + ALERT_QUIET_MS;
  const saturate = demoSaturation(`http://127.0.0.1:${ports.api}`, `http://127.0.0.1:${ports.otlpHttp}`);
  await waitFor(
    'an alert for the examples that acknowledge one',
    async () => {
      const res = await fetch(`http://127.0.0.1:${ports.api}/alerts?history=true&limit=1`);
      if (((await res.json()) as { alerts: unknown[] }).alerts.length > 0) return true;
      if (Date.now() >= injectFrom) await saturate();
      return undefined;
    },
    ALERT_WAIT_MS,
    2_000,
  );
}

function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-o', 'pipefail', '-c', script],
      // the examples' tokens: authentication is off in this hydra up, so any value does
      {
        env: { ...process.env, TOKEN: 'docs-example-token', HYDRA_INGEST_TOKEN: 'docs-example-token' },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('the ingest and API token header in the docs', () => {
  it('is written one way: `Authorization: Bearer <token>`, and `Authorization=Bearer%20<token>` for OTLP exporters', async () => {
    const files = [
      'README.md',
      'charts/hydra/templates/NOTES.txt',
      ...(await readdir(path.join(REPO_ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
    ];
    const odd: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(REPO_ROOT, file), 'utf8');
      for (const m of text.matchAll(/authorization\s*[:=]\s*bearer\S*/gi)) {
        if (!/^Authorization: Bearer$|^Authorization=Bearer%20/.test(m[0])) odd.push(`${file}: ${m[0]}`);
      }
    }
    expect(odd).toEqual([]);
  });
});

describe('the curl examples of the docs', () => {
  let dataDir: string | undefined;
  let up: HydraProcess | undefined;
  let ports: HydraUpPorts;
  let examples: Example[];

  beforeAll(async () => {
    examples = await allExamples();
    const tools = await run('command -v curl && command -v jq');
    if (tools.code !== 0) throw new Error('the docs examples need curl and jq on PATH (apt-get install -y curl jq)');
    dataDir = await mkdtemp(path.join(tmpdir(), 'hydra-docs-'));
    const hydra = await spawnHydraUp({ dataDir, env: { HYDRA_LOG_LEVEL: 'warn' } });
    up = hydra.up;
    ports = hydra.ports;
    // the seeded history is in and the live workload writes: every example has data to answer with
    await waitFor(
      'the live demo workload',
      async () => {
        const res = await fetch(`${hydra.apiUrl}/metrics?name=http.server.errors&from=now-1m`);
        if (!res.ok) return undefined;
        const body = (await res.json()) as { series: { points: unknown[] }[] };
        return body.series.some((s) => s.points.length > 0) ? true : undefined;
      },
      STARTUP_TIMEOUT_MS,
      1_000,
    );
  }, STARTUP_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    up?.child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('finds the examples of README.md, api.md, alerts.md and forecasting.md', () => {
    const files = new Set(examples.map((e) => e.where.split(':')[0]));
    for (const file of ['README.md', 'docs/api.md', 'docs/alerts.md', 'docs/forecasting.md'])
      expect(files).toContain(file);
    expect(examples.length).toBeGreaterThanOrEqual(20);
  });

  it(
    'runs every one against hydra up: it succeeds, or fails as the docs say it does',
    { timeout: ALERT_WAIT_MS + 300_000 },
    async () => {
      if (examples.some((e) => e.preamble.some((p) => p.includes('/alerts')))) await someAlert(ports);
      const failures: string[] = [];
      const rewrite = (text: string) =>
        text.replace(HYDRA_URL, (_, port: string) => `127.0.0.1:${ports[DOC_PORTS[port]!]}`);
      for (const example of examples) {
        // --fail-with-body: an HTTP error is exit code 22 with the error body still printed
        const script = [
          `curl() { command curl --fail-with-body --max-time 30 --write-out '%{stderr}HTTP %{http_code}\\n' "$@"; }`,
          ...example.preamble.map(rewrite),
          rewrite(example.command),
        ].join('\n');
        const result = await run(script);
        const output = `${result.stdout}${result.stderr}`.slice(0, 400);
        if (example.error === null) {
          if (result.code !== 0)
            failures.push(`${example.where}: exit ${result.code}: ${output}\n  ${example.command}`);
          continue;
        }
        const status = /HTTP (\d{3})/.exec(result.stderr)?.[1];
        if (result.code === 0 || status !== String(example.error.status))
          failures.push(
            `${example.where}: documented ${example.error.status}, got exit ${result.code} (${status ?? '-'}): ${output}`,
          );
        else if (example.error.code && !result.stdout.includes(`"error":"${example.error.code}"`))
          failures.push(`${example.where}: documented error ${example.error.code}, got ${output}`);
      }
      expect(failures, failures.join('\n')).toEqual([]);
    },
  );
});
