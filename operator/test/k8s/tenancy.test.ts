/**
 * No database credentials in tenant namespaces, checked against the real API server's RBAC: a tenant
 * ServiceAccount bound (RoleBinding) to k8s/operator/rbac.yaml's hydra-monitor-editor creates a HydraMonitor in its
 * namespace (impersonated kubectl), and may not read the database Secret (in hydra's namespace, nor one in its
 * own), create CronJobs, or touch HydraMonitors elsewhere (SubjectAccessReview). The monitor's CronJob runs in
 * hydra's namespace with hydra's Secret; the tenant namespace holds no Secret at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  condition,
  createNamespace,
  deleteNamespace,
  getMonitor,
  kubectl,
  monitorManifest,
  startTestOperator,
  waitFor,
  type TestOperator,
} from './harness.ts';

const TENANT_SA = 'team-a-deployer';
let tenantNs: string;
let otherNs: string;
let operator: TestOperator;

const tenantUser = () => `system:serviceaccount:${tenantNs}:${TENANT_SA}`;

/** What the API server's authorizer answers for the tenant. */
async function allowed(attributes: {
  verb: string;
  resource: string;
  group?: string;
  namespace: string;
  name?: string;
}): Promise<boolean> {
  const review = await admin.request<{ status: { allowed: boolean } }>(
    'POST',
    '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: tenantUser(),
          groups: ['system:serviceaccounts', `system:serviceaccounts:${tenantNs}`, 'system:authenticated'],
          resourceAttributes: { group: attributes.group ?? '', ...attributes },
        },
      },
    },
  );
  return review.status.allowed;
}

beforeAll(async () => {
  tenantNs = await createNamespace('tenant');
  otherNs = await createNamespace('other');
  // startTestOperator installs k8s/operator/rbac.yaml (with hydra-monitor-editor)
  operator = await startTestOperator({ namespaces: [tenantNs] });
  await admin.request('POST', `/api/v1/namespaces/${operator.hydraNamespace}/secrets`, {
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hydra-database' },
      stringData: { url: 'postgres://hydra:secret@db/hydra' },
    },
  });
  await admin.request('POST', `/api/v1/namespaces/${tenantNs}/serviceaccounts`, {
    body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: TENANT_SA } },
  });
  await admin.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${tenantNs}/rolebindings`, {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'hydra-monitors' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'hydra-monitor-editor' },
      subjects: [{ kind: 'ServiceAccount', name: TENANT_SA, namespace: tenantNs }],
    },
  });
});

afterAll(async () => {
  await operator?.stop();
  for (const ns of [tenantNs, otherNs]) if (ns) await deleteNamespace(ns);
});

describe('a tenant ServiceAccount bound to hydra-monitor-editor', () => {
  it('creates a HydraMonitor in its namespace (as itself, impersonated), which the operator reconciles', async () => {
    const out = await waitFor('the RoleBinding to take effect', async () => {
      const r = await kubectl(
        ['apply', '--as', tenantUser(), '-f', '-'],
        JSON.stringify(monitorManifest(tenantNs, 'web', { selector: { metric: 'http.server.request.duration' } })),
      );
      return r.code === 0 && r.stdout;
    });
    expect(out).toContain('hydramonitor.hydra.io/web created');
    await waitFor(
      'JobsScheduled',
      async () => condition(await getMonitor(tenantNs, 'web'), 'JobsScheduled')?.status === 'True',
    );
    // the job reads hydra's Secret in hydra's namespace; the tenant namespace has no Secret and no CronJob
    const jobs = await admin.request<{ items: { spec: unknown }[] }>(
      'GET',
      `/apis/batch/v1/namespaces/${operator.hydraNamespace}/cronjobs`,
      { query: { labelSelector: `hydra.io/monitor-namespace=${tenantNs},hydra.io/monitor=web` } },
    );
    expect(jobs.items).toHaveLength(1);
    expect(JSON.stringify(jobs.items[0]!.spec)).toContain('"secretKeyRef":{"name":"hydra-database","key":"url"}');
    const secrets = await admin.request<{ items: { type: string }[] }>('GET', `/api/v1/namespaces/${tenantNs}/secrets`);
    expect(secrets.items).toEqual([]);
    const tenantJobs = await admin.request<{ items: unknown[] }>(
      'GET',
      `/apis/batch/v1/namespaces/${tenantNs}/cronjobs`,
    );
    expect(tenantJobs.items).toEqual([]);
  });

  it("cannot read the database Secret, in hydra's namespace or its own", async () => {
    const get = await kubectl(['get', 'secret', 'hydra-database', '-n', operator.hydraNamespace, '--as', tenantUser()]);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain('Forbidden');
    expect(
      await allowed({ verb: 'get', resource: 'secrets', namespace: operator.hydraNamespace, name: 'hydra-database' }),
    ).toBe(false);
    expect(await allowed({ verb: 'list', resource: 'secrets', namespace: tenantNs })).toBe(false);
  });

  it('may do nothing more: no CronJobs, no HydraCollectors, no HydraMonitors in other namespaces', async () => {
    expect(await allowed({ verb: 'create', group: 'hydra.io', resource: 'hydramonitors', namespace: tenantNs })).toBe(
      true,
    );
    expect(await allowed({ verb: 'create', group: 'batch', resource: 'cronjobs', namespace: tenantNs })).toBe(false);
    expect(
      await allowed({ verb: 'create', group: 'batch', resource: 'cronjobs', namespace: operator.hydraNamespace }),
    ).toBe(false);
    expect(await allowed({ verb: 'create', group: 'hydra.io', resource: 'hydracollectors', namespace: tenantNs })).toBe(
      false,
    );
    expect(
      await allowed({
        verb: 'patch',
        group: 'hydra.io',
        resource: 'hydramonitors',
        namespace: tenantNs,
        subresource: 'status',
      } as never),
    ).toBe(false);
    expect(await allowed({ verb: 'create', group: 'hydra.io', resource: 'hydramonitors', namespace: otherNs })).toBe(
      false,
    );
  });

  it("deleting its monitor deletes the CronJob in hydra's namespace (finalizer)", async () => {
    const r = await kubectl([
      'delete',
      'hydramonitor',
      'web',
      '-n',
      tenantNs,
      '--as',
      tenantUser(),
      '--wait=true',
      '--timeout=60s',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const jobs = await admin.request<{ items: unknown[] }>(
      'GET',
      `/apis/batch/v1/namespaces/${operator.hydraNamespace}/cronjobs`,
      { query: { labelSelector: `hydra.io/monitor-namespace=${tenantNs}` } },
    );
    expect(jobs.items).toEqual([]);
  });
});
