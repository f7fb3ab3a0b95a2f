/**
 * Shared helpers of the delivery tests: where the repository is, running the command-line tools they drive (helm,
 * kubectl, actionlint — found by testing/tools.ts on PATH or in ~/go/bin), and rendering the chart.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { findTool } from '../../testing/tools.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHART_DIR = path.join(REPO_ROOT, 'charts', 'hydra');
export const VALUES_DIR = path.join(REPO_ROOT, 'deploy', 'test', 'values');
export const GOLDEN_DIR = path.join(REPO_ROOT, 'deploy', 'test', 'golden');
/** Largest output a tool may print before the run is refused (renders are a few hundred KiB). */
const MAX_TOOL_OUTPUT_BYTES = 32 * 1024 * 1024;
/** Annotation on chart Secrets listing the keys the chart generated at random. */
export const GENERATED_KEYS_ANNOTATION = 'hydra.io/generated-keys';
/** What a generated secret value becomes in a golden render. */
export const GENERATED_PLACEHOLDER = '<generated>';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion; never throws for a non-zero exit (the result carries it). */
export function runTool(tool: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<ToolResult>((resolve, reject) => {
    const child = execFile(
      findTool(tool),
      args,
      { cwd: REPO_ROOT, env: { ...process.env, ...options.env }, maxBuffer: MAX_TOOL_OUTPUT_BYTES },
      (err, stdout, stderr) => {
        if (err && typeof (err as { code?: unknown }).code !== 'number') {
          reject(new Error(`${tool} ${args.join(' ')}: ${err.message}`, { cause: err }));
          return;
        }
        resolve({ code: err ? (err as { code: number }).code : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs a tool that must succeed; the error carries its stderr. */
export async function runToolOk(
  tool: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const result = await runTool(tool, args, options);
  if (result.code !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * Kubernetes version `helm template` renders for: the test control plane's. A helm built with `go install` has no
 * version stamped in and would assume v1.20, below the chart's kubeVersion.
 */
export const RENDER_KUBE_VERSION = '1.34.4';

/** A realistic values file of deploy/test/values (name without .yaml), or the chart's defaults for 'default'. */
export const RENDER_CASES = ['default', 'external-database', 'observability', 'auth-given', 'conventions'] as const;
export type RenderCase = (typeof RENDER_CASES)[number];

/** `helm template` of one case as `release` (default `hydra`) in `namespace`. */
export function renderChart(renderCase: RenderCase, namespace = 'hydra', release = 'hydra'): Promise<string> {
  const values = renderCase === 'default' ? [] : ['--values', path.join(VALUES_DIR, `${renderCase}.yaml`)];
  return runToolOk('helm', [
    'template',
    release,
    CHART_DIR,
    '--namespace',
    namespace,
    '--kube-version',
    RENDER_KUBE_VERSION,
    ...values,
  ]);
}

/** A Kubernetes object as far as these tests look into it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The objects of a multi-document render (empty documents dropped); a YAML error names the document. */
export function parseRender(render: string): KubeObject[] {
  return parseAllDocuments(render)
    .map((doc, index) => {
      if (doc.errors.length > 0) throw new Error(`render document ${index}: ${doc.errors[0]?.message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

/**
 * The render with the values of generated secret keys replaced by a placeholder, so golden files are stable;
 * returns the normalised text (documents joined as `helm template` prints them).
 */
export function maskGeneratedSecrets(render: string): string {
  const docs = parseAllDocuments(render);
  for (const doc of docs) {
    const obj = doc.toJS() as KubeObject | null;
    const keys = obj?.kind === 'Secret' ? obj.metadata.annotations?.[GENERATED_KEYS_ANNOTATION] : undefined;
    if (!keys) continue;
    for (const key of keys.split(',')) {
      if (doc.hasIn(['data', key])) doc.setIn(['data', key], GENERATED_PLACEHOLDER);
    }
  }
  return docs.map((doc) => doc.toString({ lineWidth: 0 })).join('');
}
