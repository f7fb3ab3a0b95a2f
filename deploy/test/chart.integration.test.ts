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

  it('gives the shared HydraCollector the chart image, database Secret and ingest token; the sample monitor uses it', async () => {
    const objects = parseRender(await renderChart('default'));
    const collector = objects.find((o) => o.kind === 'HydraCollector');
    expect(collector?.metadata).toMatchObject({ name: 'hydra-collector', namespace: 'hydra' });
    expect(collector?.spec).toMatchObject({
      image: 'ghcr.io/hydra-dev/hydra:0.1.0',
      ingestTokenSecretRef: { name: 'hydra-auth', key: 'ingest-token' },
      storage: { databaseSecretRef: { name: 'hydra-database', key: 'url' } },
    });
    const monitor = objects.find((o) => o.kind === 'HydraMonitor');
    expect(monitor?.spec).toEqual({ selector: { metric: 'system.cpu.utilization' }, ...monitor?.spec });
    expect(monitor?.spec).toMatchObject({ collectorRef: { name: 'hydra-collector' } });
    expect(monitor?.spec).not.toHaveProperty('collector');
    expect(monitor?.spec).not.toHaveProperty('storage');
    const operator = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'hydra-operator');
    const args = (operator?.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec
      .containers[0]!.args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--namespace=hydra',
        '--default-collector=hydra-collector',
        '--job-service-account=hydra-jobs',
        '--database-secret=hydra-database/url',
      ]),
    );
  });

  it('gives tenants a ClusterRole for HydraMonitors and nothing else, aggregated to edit and admin', async () => {
    const objects = parseRender(await renderChart('default'));
    const editor = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'hydra-monitor-editor') as
      (KubeObject & { rules: { apiGroups: string[]; resources: string[] }[] }) | undefined;
    expect(editor?.metadata.labels).toMatchObject({
      'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
    expect(editor?.rules.flatMap((r) => r.apiGroups)).toEqual(['hydra.io', 'hydra.io']);
    expect(editor?.rules.flatMap((r) => r.resources).every((r) => r.startsWith('hydramonitors'))).toBe(true);
  });
});

describe('the values users of kube-prometheus-stack and the OpenTelemetry operator chart expect', () => {
  const objects = async () => parseRender(await renderChart('conventions'));
  const find = (all: KubeObject[], kind: string, name: string) => {
    const found = all.find((o) => o.kind === kind && o.metadata.name === name);
    expect(found, `${kind}/${name}`).toBeDefined();
    return found!;
  };
  type Pod = PodSpec & {
    serviceAccountName?: string;
    priorityClassName?: string;
    topologySpreadConstraints?: unknown[];
    volumes?: { name: string }[];
    containers: (PodSpec['containers'][number] & {
      env?: { name: string }[];
      volumeMounts?: { name: string; mountPath: string }[];
    })[];
  };
  const template = (o: KubeObject) =>
    (o.spec as { template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> } } })
      .template;

  it('ServiceAccounts: annotations (workload identity), an existing one by name, RBAC bound to the one used', async () => {
    const all = await objects();
    const operatorSa = find(all, 'ServiceAccount', 'hydra-operator');
    expect(operatorSa.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/hydra-operator',
    });
    expect(all.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'hydra-api')).toBeUndefined();
    expect((podSpecOf(find(all, 'Deployment', 'hydra-api')) as Pod).serviceAccountName).toBe('hydra-api-existing');
    for (const binding of all.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
      expect((binding as unknown as { subjects: { name: string }[] }).subjects[0]!.name).toBe('hydra-operator');
    }
  });

  it('pod annotations and labels (chart-wide, then per component), priority, spreading, extra env and volumes', async () => {
    const all = await objects();
    const api = find(all, 'Deployment', 'hydra-api');
    expect(template(api).metadata.annotations).toEqual({ 'example.com/owner': 'api-team' });
    expect(template(api).metadata.labels).toMatchObject({
      team: 'sre',
      tier: 'backend',
      'app.kubernetes.io/component': 'api',
    });
    const operator = find(all, 'Deployment', 'hydra-operator');
    expect(template(operator).metadata.annotations).toEqual({ 'example.com/owner': 'sre' });
    const operatorPod = podSpecOf(operator) as Pod;
    expect(operatorPod.priorityClassName).toBe('system-cluster-critical');
    expect(operatorPod.containers[0]!.env?.map((e) => e.name)).toContain('HTTPS_PROXY');
    expect(operatorPod.volumes?.map((v) => v.name)).toContain('ca');
    expect(operatorPod.containers[0]!.volumeMounts).toContainEqual({
      name: 'ca',
      mountPath: '/etc/ssl/corporate',
      readOnly: true,
    });
    const apiPod = podSpecOf(api) as Pod;
    expect(apiPod.topologySpreadConstraints).toHaveLength(1);
    expect(apiPod.volumes?.map((v) => v.name)).toContain('ca');
    const dashboardPod = podSpecOf(find(all, 'Deployment', 'hydra-dashboard')) as Pod;
    expect(dashboardPod.priorityClassName).toBe('high');
    expect(dashboardPod.containers[0]!.env?.map((e) => e.name)).toContain('TZ');
    const tsdb = find(all, 'StatefulSet', 'hydra-timescaledb');
    expect(template(tsdb).metadata.annotations).toMatchObject({ 'backup.velero.io/backup-volumes': 'data' });
    expect((podSpecOf(tsdb) as Pod).containers[0]!.env?.map((e) => e.name)).toContain('POSTGRES_INITDB_ARGS');
  });

  it('ServiceMonitor relabelings, metricRelabelings and scrapeTimeout on both endpoints', async () => {
    const sm = find(await objects(), 'ServiceMonitor', 'hydra');
    const endpoints = (sm.spec as { endpoints: Record<string, unknown>[] }).endpoints;
    expect(endpoints).toHaveLength(2);
    for (const e of endpoints) {
      expect(e.scrapeTimeout).toBe('10s');
      expect(e.relabelings).toContainEqual({ targetLabel: 'cluster', replacement: 'prod-eu' });
      expect(e.metricRelabelings).toEqual([{ sourceLabels: ['__name__'], regex: 'go_.*', action: 'drop' }]);
    }
    // the operator endpoint keeps its own filter first
    expect((endpoints[1]!.relabelings as { action?: string }[])[0]!.action).toBe('keep');
  });

  it('PrometheusRule: a disabled alert left out, additional labels under the rule own, the runbook base', async () => {
    const rule = find(await objects(), 'PrometheusRule', 'hydra');
    const rules = (rule.spec as { groups: { rules: Record<string, unknown>[] }[] }).groups.flatMap((g) => g.rules);
    const alerts = rules.filter((r) => r.alert);
    expect(alerts.map((r) => r.alert)).not.toContain('HydraAPIErrors');
    expect(alerts.map((r) => r.alert)).toContain('HydraAPIDown');
    for (const a of alerts) {
      const labels = a.labels as Record<string, string>;
      expect(labels.team).toBe('sre');
      expect(labels.severity).not.toBe('ignored-the-rule-keeps-its-own');
      const runbook = (a.annotations as Record<string, string>).runbook_url;
      expect(runbook).toBe(`https://runbooks.example.com/hydra/${String(a.alert).toLowerCase()}`);
    }
    // recording rules are kept as they are
    expect(rules.some((r) => r.record && !r.labels)).toBe(true);
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
  it('ships k8s/crds/ unchanged (HydraMonitor and HydraCollector)', async () => {
    for (const name of ['hydra.io_hydramonitors.yaml', 'hydra.io_hydracollectors.yaml']) {
      const [chart, source] = await Promise.all([
        readFile(path.join(CHART_DIR, 'crds', name), 'utf8'),
        readFile(path.join(REPO_ROOT, 'k8s', 'crds', name), 'utf8'),
      ]);
      expect(chart, 'charts/hydra/crds/ differs from k8s/crds/: cp k8s/crds/*.yaml charts/hydra/crds/').toBe(source);
    }
  });
});
