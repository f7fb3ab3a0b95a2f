/**
 * Shared helpers of the integration tests: the admin client and kubectl for the control plane of
 * `scripts/testenv.sh start`, a kubeconfig for the operator's own ServiceAccount (so the tests also prove
 * k8s/operator/rbac.yaml is sufficient), throw-away namespaces, and polling.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import {
  HYDRA_MONITOR,
  KubeClient,
  collectionPath,
  loadKubeConfig,
  objectPath,
  startOperator,
  type Operator,
  type OperatorOptions,
} from '@hydra/operator';
import { createLogger } from '@hydra/logging';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const KUBECONFIG_FILE = (() => {
  const file = process.env.HYDRA_TEST_KUBECONFIG;
  if (!file)
    throw new Error(
      'HYDRA_TEST_KUBECONFIG is not set: run `scripts/testenv.sh start` and `eval "$(scripts/testenv.sh env)"`',
    );
  return file;
})();
export const OPERATOR_NAMESPACE = 'hydra-system';
export const OPERATOR_SERVICE_ACCOUNT = 'hydra-operator';
/** Lifetime of the operator's test token. */
const TOKEN_SECONDS = 3600;

export const adminConfig = loadKubeConfig(KUBECONFIG_FILE);
export const admin = new KubeClient(adminConfig);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against the test cluster; never throws for a non-zero exit (the result says). */
export function kubectl(args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      args,
      { env: { ...process.env, KUBECONFIG: KUBECONFIG_FILE }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** kubectl that must succeed. */
export async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Polls `probe` until it returns a value other than undefined/false; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Creates a namespace with a random suffix and the database Secret monitors refer to. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  await admin.request('POST', '/api/v1/namespaces', {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  });
  return name;
}

/**
 * Deletes a namespace. Its HydraMonitors lose their finalizer first: the operators of these tests are stopped by
 * then, and a finalizer nobody removes would keep the namespace Terminating.
 */
export async function deleteNamespace(name: string): Promise<void> {
  const monitors = await admin
    .request<{ items: { metadata: { name: string; finalizers?: string[] } }[] }>(
      'GET',
      collectionPath(HYDRA_MONITOR, name),
    )
    .catch(() => ({ items: [] }));
  for (const m of monitors.items)
    if (m.metadata.finalizers?.length)
      await admin
        .request('PATCH', objectPath(HYDRA_MONITOR, name, m.metadata.name), {
          contentType: 'application/merge-patch+json',
          body: { metadata: { finalizers: null } },
        })
        .catch(() => undefined);
  await admin.delete(`/api/v1/namespaces/${name}`);
}

/** Installs the CRDs of k8s/crds/ (the control plane may have been started from another checkout). */
export async function installCrds(): Promise<void> {
  await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', path.join(repoRoot, 'k8s/crds/')]);
  await kubectlOk([
    'wait',
    '--for=condition=Established',
    'crd/hydramonitors.hydra.io',
    'crd/hydracollectors.hydra.io',
    '--timeout=30s',
  ]);
}

/** Installs the CRDs and k8s/operator/rbac.yaml; returns a kubeconfig authenticating as the operator's ServiceAccount. */
export async function operatorKubeConfig(): Promise<KubeConfig> {
  await installCrds();
  await kubectlOk(['apply', '--server-side', '-f', path.join(repoRoot, 'k8s/operator/rbac.yaml')]);
  const review = await waitFor('a token for the operator ServiceAccount', () =>
    admin.request<{ status: { token: string } }>(
      'POST',
      `/api/v1/namespaces/${OPERATOR_NAMESPACE}/serviceaccounts/${OPERATOR_SERVICE_ACCOUNT}/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: TOKEN_SECONDS },
        },
      },
    ),
  );
  const cluster = adminConfig.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: cluster.server, caFile: cluster.caFile, caData: cluster.caData }],
    users: [{ name: 'hydra-operator', token: review.status.token }],
    contexts: [{ name: 'test', cluster: 'test', user: 'hydra-operator' }],
    currentContext: 'test',
  });
  return kc;
}

/** An operator of a test, with the namespace that plays hydra's (jobs, shared collectors). */
export type TestOperator = Operator & { hydraNamespace: string };

/**
 * Starts an operator as its ServiceAccount, quiet, with an ephemeral HTTP port. Unless `hydraNamespace` is given,
 * a throw-away namespace plays hydra's (the monitors' CronJobs go there), deleted when the operator stops.
 */
export async function startTestOperator(
  options: Partial<OperatorOptions> & { namespaces: string[] },
): Promise<TestOperator> {
  const kubeConfig = await operatorKubeConfig();
  const created = options.hydraNamespace ? undefined : await createNamespace('hydra');
  const hydraNamespace = options.hydraNamespace ?? created!;
  const operator = await startOperator({
    kubeConfig,
    hydraNamespace,
    logger: createLogger({
      component: 'operator',
      level: process.env.HYDRA_TEST_OPERATOR_LOG === '1' ? 'debug' : 'error',
    }),
    http: { host: '127.0.0.1', port: 0 },
    leaderElection: false,
    ...options,
  });
  await operator.synced();
  return {
    ...operator,
    hydraNamespace,
    stop: async (deadlineMs?: number) => {
      await operator.stop(deadlineMs);
      if (created) await deleteNamespace(created);
    },
  };
}

/** A HydraMonitor manifest. */
export function monitorManifest(namespace: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'hydra.io/v1alpha1', kind: 'HydraMonitor', metadata: { name, namespace }, spec };
}

export interface MonitorObject {
  metadata: { name: string; namespace: string; uid: string; generation: number; resourceVersion: string };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: {
      type: string;
      status: string;
      reason: string;
      message: string;
      observedGeneration?: number;
      lastTransitionTime: string;
    }[];
    collector?: { endpoint?: string; ready?: string; selector?: string; configHash?: string };
  };
}

export function getMonitor(namespace: string, name: string): Promise<MonitorObject | undefined> {
  return admin.get<MonitorObject>(objectPath(HYDRA_MONITOR, namespace, name));
}

export function condition(m: MonitorObject | undefined, type: string) {
  return m?.status?.conditions?.find((c) => c.type === type);
}

/** Plays the deployment controller and kubelet (absent here): reports every collector pod updated and available. */
export async function markDeploymentAvailable(namespace: string, name: string): Promise<void> {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
  const d = await admin.request<{ metadata: { generation: number }; spec: { replicas: number } }>('GET', path);
  const n = d.spec.replicas;
  await admin.request('PATCH', `${path}/status`, {
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        observedGeneration: d.metadata.generation,
        replicas: n,
        updatedReplicas: n,
        readyReplicas: n,
        availableReplicas: n,
      },
    },
  });
}
