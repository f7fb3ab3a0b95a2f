/**
 * Notifiers end to end: the REAL Alertmanager (Debian's prometheus-alertmanager,
 * started here on a free port) receives hydra's firing alert and sees it
 * resolved; a webhook receiver that is down gets the signed alert once it
 * comes back; a receiver that keeps failing leaves a dead-letter record; a
 * silence created after an alert fired suppresses its notifications.
 */
import { once } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, freePort, listNotifications, migrate } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import {
  AlertService,
  NotificationDispatcher,
  SIGNATURE_HEADER,
  type NotifierTarget,
  type WebhookBody,
} from '../src/alerts/index.ts';
import { alertUrl } from '@hydra/schema';
import { ALERTMANAGER_INSTALL, ALERTMANAGER_PATH } from '../../testing/tools.ts';

const SECRET = 'webhook-shared-secret';
const EXTERNAL_URL = 'https://ops.example.com/hydra/';
const HOUR = 3_600_000;
const MINUTE = 60_000;
const T0 = Date.now();

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP receiver on `port` answering `status`; records what it gets. */
function receiver(port: number, status = 200): Promise<{ server: Server; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end(status >= 300 ? 'receiver says no' : 'ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, received })));
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function startAlertmanager(): Promise<{ url: string; proc: ChildProcess; dir: string }> {
  if (!existsSync(ALERTMANAGER_PATH)) {
    throw new Error(`${ALERTMANAGER_PATH} is missing: ${ALERTMANAGER_INSTALL} (.ci/run installs it)`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'hydra-am-'));
  const config = path.join(dir, 'alertmanager.yml');
  await writeFile(config, 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
  const port = await freePort();
  const proc = spawn(
    ALERTMANAGER_PATH,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return { url, proc, dir };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`alertmanager did not become ready on ${url}`);
}

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

describe.each(testBackends())('notifiers on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let now = T0;
  let am: { url: string; proc: ChildProcess; dir: string };
  let hookPort: number;
  let failingHook: { server: Server; received: Received[] };
  let rejectingHook: { server: Server; received: Received[] };
  const targets = new Map<string, NotifierTarget[]>();
  let alerts: AlertService;
  let dispatcher: NotificationDispatcher;

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    am = await startAlertmanager();
    hookPort = await freePort();
    failingHook = await receiver(await freePort(), 503);
    rejectingHook = await receiver(await freePort(), 400);
    targets.set('default/am', [{ kind: 'alertmanager', url: am.url }]);
    targets.set('default/hourly', [{ kind: 'alertmanager', url: am.url }]);
    targets.set('default/hook', [
      { kind: 'webhook', url: `http://127.0.0.1:${hookPort}/hydra`, secretRef: 'hooks/secret' },
    ]);
    targets.set('default/failing', [
      { kind: 'webhook', url: `http://127.0.0.1:${(failingHook.server.address() as AddressInfo).port}/x` },
      { kind: 'webhook', url: `http://127.0.0.1:${(rejectingHook.server.address() as AddressInfo).port}/y` },
    ]);
    alerts = new AlertService({ db, clock: () => now, targets: (m) => targets.get(m) ?? [] });
    dispatcher = new NotificationDispatcher({
      db,
      alerts,
      secrets: (ref) => (ref === 'hooks/secret' ? SECRET : undefined),
      alertUrl: (id) => alertUrl(EXTERNAL_URL, id),
      // the monitor 'default/hourly' is evaluated by an hourly job; the others by the re-sends alone
      evaluationIntervalMs: (a) => (a.monitor === 'default/hourly' ? HOUR : undefined),
      maxAttempts: 3,
      backoffBaseMs: 1_000,
      timeoutMs: 2_000,
    });
  });
  afterAll(async () => {
    await dispatcher?.shutdown();
    // Alertmanager writes its data directory until it has exited: wait for that before removing it
    const exited = am && am.proc.exitCode === null ? once(am.proc, 'exit') : undefined;
    am?.proc.kill();
    await exited;
    await Promise.all([failingHook && close(failingHook.server), rejectingHook && close(rejectingHook.server)]);
    if (am) await rm(am.dir, { recursive: true, force: true, maxRetries: 3 });
    await db?.close();
    await test?.close();
  });

  const raise = (monitor: string, host: string) =>
    alerts.raise({
      kind: 'anomaly',
      monitor,
      metric: 'system.cpu.utilization',
      labels: { 'host.name': host, 'service.name': 'shop' },
      time: now,
      severity: 'critical',
      summary: `cpu of ${host} is 0.97, above the expected 0.41`,
      explanation: { observed: 0.97, expected: 0.41, lower: 0.3, upper: 0.52, score: 0.99, detector: 'ensemble' },
    });

  /** Resolves the alert raised for (monitor, host) at the real now, delivers, and checks Alertmanager dropped it. */
  const expectResolvedInAlertmanager = async (monitor: string, host: string, id: number) => {
    now = Date.now();
    await alerts.resolve({
      kind: 'anomaly',
      monitor,
      metric: 'system.cpu.utilization',
      labels: { 'host.name': host, 'service.name': 'shop' },
      time: now,
    });
    await dispatcher.runOnce();
    const after = (await (await fetch(`${am.url}/api/v2/alerts?active=true`)).json()) as AmAlert[];
    expect(after.find((a) => a.annotations.hydra_alert_id === String(id))).toBeUndefined();
  };

  it("Alertmanager receives hydra's firing alert, keeps it through re-sends, and sees it resolved", async () => {
    // Alertmanager runs on the real clock: evaluate in the recent past, resolve at the real now.
    now = Date.now() - 3 * MINUTE;
    const alert = await raise('default/am', 'web-1');
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    const shown = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];
    const ours = shown.find(
      (a) => a.labels.hydra_alert_id === undefined && a.annotations.hydra_alert_id === String(alert.id),
    );
    expect(ours?.labels).toMatchObject({
      alertname: 'HydraAnomaly',
      metric: 'system.cpu.utilization',
      host_name: 'web-1',
      monitor: 'default/am',
      severity: 'critical',
    });
    expect(ours?.annotations.summary).toContain('above the expected');
    expect(ours?.status.state).toBe('active');
    // the link to the alert in hydra's dashboard, under the external URL (its path prefix kept)
    expect(ours?.generatorURL).toBe(`https://ops.example.com/hydra/alerts?id=${alert.id}&state=all`);
    // valid for 4 re-send intervals (1 minute) from the send, as Prometheus does
    const validFor = Date.parse(ours!.endsAt) - now;
    expect(validFor).toBeGreaterThanOrEqual(4 * MINUTE - 5_000);
    expect(validFor).toBeLessThanOrEqual(4 * MINUTE + 5_000);

    now = Date.now() - MINUTE;
    expect((await dispatcher.runOnce()).resent).toBe(1);

    await expectResolvedInAlertmanager('default/am', 'web-1', alert.id);
  });

  it('a firing alert of an hourly job stays active in Alertmanager until the job could renew it (4 × 1 h)', async () => {
    // a forecast CronJob runs hourly: Alertmanager must not resolve its alert in between (it re-fired every run)
    now = Date.now() - MINUTE;
    const alert = await raise('default/hourly', 'web-2');
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    const shown = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[];
    const ours = shown.find((a) => a.annotations.hydra_alert_id === String(alert.id));
    expect(ours?.status.state).toBe('active');
    const validFor = Date.parse(ours!.endsAt) - now;
    expect(validFor).toBeGreaterThanOrEqual(4 * HOUR - 5_000);
    expect(validFor).toBeLessThanOrEqual(4 * HOUR + 5_000);
    expect(ours?.generatorURL).toBe(alertUrl(EXTERNAL_URL, alert.id));
    await expectResolvedInAlertmanager('default/hourly', 'web-2', alert.id);
  });

  it('a webhook receiver that is down gets the signed alert after it comes back', async () => {
    now = Date.now();
    const alert = await raise('default/hook', 'web-2');
    const first = await dispatcher.runOnce();
    expect(first.retried).toBe(1);
    const [pending] = await listNotifications(db, { alertId: alert.id, limit: 1 });
    expect(pending).toMatchObject({ state: 'pending', attempts: 1 });
    expect(pending?.lastError).toMatch(/ECONNREFUSED/);

    const hook = await receiver(hookPort);
    try {
      expect((await dispatcher.runOnce()).delivered).toBe(0); // backoff not over yet
      now += 10_000;
      expect((await dispatcher.runOnce()).delivered).toBe(1);
      expect(hook.received).toHaveLength(1);
      const got = hook.received[0]!;
      const expected = `sha256=${createHmac('sha256', SECRET).update(got.body).digest('hex')}`;
      expect(got.headers[SIGNATURE_HEADER]).toBe(expected);
      const body = JSON.parse(got.body) as WebhookBody;
      expect(body).toMatchObject({ version: '1', event: 'alert.firing', alert: { id: alert.id, state: 'firing' } });
      expect(body.alert.explanation).toMatchObject({ observed: 0.97, expected: 0.41, detector: 'ensemble' });
    } finally {
      await close(hook.server);
    }
  });

  it('leaves a dead-letter record after the last retry, and at once on a permanent refusal', async () => {
    now = Date.now();
    const alert = await raise('default/failing', 'web-3');
    for (let i = 0; i < 4; i++) {
      await dispatcher.runOnce();
      now += 10 * MINUTE;
    }
    const rows = await listNotifications(db, { alertId: alert.id, limit: 10 });
    const failing = rows.find((r) => r.target.endsWith('/x'));
    const rejecting = rows.find((r) => r.target.endsWith('/y'));
    expect(failing).toMatchObject({ state: 'dead', attempts: 3 });
    expect(failing?.lastError).toMatch(/gave up after 3 attempts: .*HTTP 503/);
    expect(rejecting).toMatchObject({ state: 'dead', attempts: 1 });
    expect(rejecting?.lastError).toMatch(/refused: .*HTTP 400/);
    expect(failingHook.received).toHaveLength(3);
  });

  it('a silence created after the alert fired suppresses its queued notification', async () => {
    now = Date.now();
    targets.set('default/late', [{ kind: 'webhook', url: 'http://127.0.0.1:1/never' }]);
    const alert = await alerts.raise({
      kind: 'custom',
      monitor: 'default/late',
      labels: { 'host.name': 'web-4' },
      time: now,
      severity: 'warning',
      summary: 's',
      explanation: {},
    });
    expect(alert.silencedBy).toBeNull();
    await alerts.createSilence({
      matchers: [{ name: 'host.name', op: '=', value: 'web-4' }],
      startsAt: now,
      endsAt: now + 60 * MINUTE,
      createdBy: 'ops',
      comment: 'reboot',
    });
    now += 1_000;
    expect((await dispatcher.runOnce()).suppressed).toBe(1);
    const [row] = await listNotifications(db, { alertId: alert.id, limit: 1 });
    expect(row).toMatchObject({ state: 'suppressed', attempts: 0 });
    expect(row?.lastError).toMatch(/silenced by silence/);
  });
});
