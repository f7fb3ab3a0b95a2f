/**
 * charts/hydra without a cluster: `helm lint`, golden renders of the default values and realistic values files,
 * the values schema refusing bad input, generated secrets, pod security on every workload, and the CRD kept in
 * step with k8s/crds/. (The renders are applied to a real API server in k8s/chart-install.test.ts.)
 * `UPDATE_GOLDEN=1 npx vitest run deploy/test/chart.integration.test.ts` rewrites the golden files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHART_DIR,
  GENERATED_KEYS_ANNOTATION,
  GOLDEN_DIR,
  REPO_ROOT,
  RENDER_CASES,
  RENDER_KUBE_VERSION,
  VALUES_DIR,
  maskGeneratedSecrets,
  parseRender,
  renderChart,
  runTool,
  runToolOk,
  type KubeObject,
} from './tools.ts';

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  automountServiceAccountToken?: boolean;
  containers: {
    name: string;
    image: string;
    securityContext?: {
      readOnlyRootFilesystem?: boolean;
      allowPrivilegeEscalation?: boolean;
      capabilities?: { drop?: string[] };
    };
    resources?: { requests?: unknown; limits?: unknown };
  }[];
}

function podSpecOf(obj: KubeObject): PodSpec {
  const spec = obj.spec as { template: { spec: PodSpec } };
  return spec.template.spec;
}

describe('helm lint', () => {
  it.each(RENDER_CASES)('passes --strict with the %s values', async (renderCase) => {
    const values = renderCase === 'default' ? [] : ['--values', path.join(VALUES_DIR, `${renderCase}.yaml`)];
    const result = await runTool('helm', ['lint', CHART_DIR, '--strict', ...values]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });
});

describe('helm template', () => {
  it.each(RENDER_CASES)('renders the %s values as the golden file', async (renderCase) => {
    const rendered = maskGeneratedSecrets(await renderChart(renderCase));
    const golden = path.join(GOLDEN_DIR, `${renderCase}.yaml`);
    if (process.env.UPDATE_GOLDEN) await writeFile(golden, rendered);
    expect(rendered).toBe(await readFile(golden, 'utf8'));
  });

  it.each(RENDER_CASES)(
    'runs every %s workload non-root, read-only, without capabilities, under seccomp',
    async (renderCase) => {
      const workloads = parseRender(await renderChart(renderCase)).filter((o) => WORKLOAD_KINDS.has(o.kind));
      expect(workloads.length).toBeGreaterThan(0);
      for (const workload of workloads) {
        const pod = podSpecOf(workload);
        const where = `${workload.kind}/${workload.metadata.name}`;
        expect(pod.securityContext?.runAsNonRoot, `${where} runAsNonRoot`).toBe(true);
        expect(pod.securityContext?.seccompProfile?.type, `${where} seccompProfile`).toBe('RuntimeDefault');
        for (const c of pod.containers) {
          expect(c.securityContext?.readOnlyRootFilesystem, `${where}/${c.name} readOnlyRootFilesystem`).toBe(true);
          expect(c.securityContext?.allowPrivilegeEscalation, `${where}/${c.name} allowPrivilegeEscalation`).toBe(
            false,
          );
          expect(c.securityContext?.capabilities?.drop, `${where}/${c.name} capabilities.drop`).toEqual(['ALL']);
          expect(c.resources?.requests, `${where}/${c.name} resource requests`).toBeDefined();
          expect(c.image, `${where}/${c.name} image`).toMatch(/[:@]/);
        }
      }
    },
  );

  it('generates the JWT secret, ingest and scrape tokens and database password, different per install', async () => {
    const [first, second] = await Promise.all([renderChart('default'), renderChart('default')]);
    const secrets = (render: string) =>
      Object.fromEntries(
        parseRender(render)
          .filter((o) => o.kind === 'Secret')
          .map((s) => [s.metadata.name, s]),
      );
    const a = secrets(first);
    const b = secrets(second);
    expect(a['hydra-auth']?.metadata.annotations?.[GENERATED_KEYS_ANNOTATION]).toBe(
      'jwt-secret,ingest-token,scrape-token',
    );
    const decoded = (s: KubeObject | undefined, key: string) => Buffer.from(s?.data?.[key] ?? '', 'base64').toString();
    expect(decoded(a['hydra-auth'], 'jwt-secret')).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(decoded(a['hydra-auth'], 'ingest-token')).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(decoded(a['hydra-auth'], 'scrape-token')).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(decoded(a['hydra-auth'], 'jwt-secret')).not.toBe(decoded(b['hydra-auth'], 'jwt-secret'));
    const password = decoded(a['hydra-database'], 'password');
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(decoded(a['hydra-database'], 'url')).toBe(
      `postgres://hydra:${password}@hydra-timescaledb.hydra.svc:5432/hydra`,
    );
  });

  it('generates nothing when the tokens and the database are given', async () => {
    const objects = parseRender(await renderChart('auth-given'));
    expect(objects.some((o) => o.metadata.annotations?.[GENERATED_KEYS_ANNOTATION])).toBe(false);
    expect(objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'hydra-auth')).toBeUndefined();
  });

  it('gives the sample monitor the chart image, database Secret and ingest token', async () => {
    const monitor = parseRender(await renderChart('default')).find((o) => o.kind === 'HydraMonitor');
    expect(monitor?.spec).toMatchObject({
      collector: {
        image: 'ghcr.io/hydra-dev/hydra:0.1.0',
        ingestTokenSecretRef: { name: 'hydra-auth', key: 'ingest-token' },
      },
      storage: { databaseSecretRef: { name: 'hydra-database', key: 'url' } },
    });
  });
});

describe('externalUrl', () => {
  const operatorArgs = async (...set: string[]) => {
    const render = await runToolOk('helm', [
      'template',
      'hydra',
      CHART_DIR,
      '--kube-version',
      RENDER_KUBE_VERSION,
      ...set.flatMap((s) => ['--set', s]),
    ]);
    const operator = parseRender(render).find((o) => o.kind === 'Deployment' && o.metadata.name === 'hydra-operator');
    return (podSpecOf(operator!).containers[0] as unknown as { args: string[] }).args;
  };

  it("reaches the jobs through the operator's --external-url: the value, else the Ingress host, else none", async () => {
    expect(await operatorArgs('externalUrl=https://ops.example.com/hydra/')).toContain(
      '--external-url=https://ops.example.com/hydra',
    );
    expect(
      await operatorArgs('ingress.enabled=true', 'ingress.host=h.example.com', 'ingress.tls.enabled=true'),
    ).toContain('--external-url=https://h.example.com');
    expect((await operatorArgs()).some((a) => a.startsWith('--external-url'))).toBe(false);
  });
});

describe('values.schema.json', () => {
  it.each([
    [['--set', 'api.replicas=-1'], 'api.replicas'],
    [['--set', 'database.storage=mysql'], 'database.storage'],
    [['--set', 'operator.logLevel=loud'], 'operator.logLevel'],
    [['--set', 'sampleMonitor.anomaly.detector=prophet'], 'sampleMonitor.anomaly.detector'],
    [['--set', 'api.replicaCount=2'], 'replicaCount'],
    [['--set', 'auth.jwtSecret=short'], 'auth.jwtSecret'],
    [['--set', 'externalUrl=hydra.example.com'], 'externalUrl'],
  ])('refuses %j naming %s', async (args, field) => {
    const result = await runTool('helm', [
      'template',
      'hydra',
      CHART_DIR,
      '--kube-version',
      RENDER_KUBE_VERSION,
      ...args,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(field.split('.').at(-1));
  });

  it('refuses a release without any database, saying what to set', async () => {
    const result = await runTool('helm', [
      'template',
      'hydra',
      CHART_DIR,
      '--kube-version',
      RENDER_KUBE_VERSION,
      '--set',
      'timescaledb.enabled=false',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('database.external.existingSecret or database.external.url');
  });
});

describe('CRDs', () => {
  it('ships k8s/crds/ unchanged', async () => {
    const name = 'hydra.io_hydramonitors.yaml';
    const [chart, source] = await Promise.all([
      readFile(path.join(CHART_DIR, 'crds', name), 'utf8'),
      readFile(path.join(REPO_ROOT, 'k8s', 'crds', name), 'utf8'),
    ]);
    expect(chart, 'charts/hydra/crds/ differs from k8s/crds/: cp k8s/crds/*.yaml charts/hydra/crds/').toBe(source);
  });
});
