/**
 * `hydra operator`: runs the HydraMonitor operator against the cluster of KUBECONFIG (or the in-cluster service
 * account), like `go run` for Go operators. SIGINT/SIGTERM stop it gracefully (in-flight reconciles finish, the
 * Lease is released); losing the Lease stops it with exit code 1 so its Deployment restarts it as a candidate.
 */
import {
  DEFAULT_HTTP_PORT,
  DEFAULT_HYDRA_NAMESPACE,
  DEFAULT_IMAGE,
  DEFAULT_SHARED_COLLECTOR,
  DEFAULT_LEASE_NAME,
  DEFAULT_RESYNC_MS,
  DEFAULT_WORKERS,
  loadKubeConfig,
  startOperator,
} from '@hydra/operator';
import { createLogger, type LogLevel } from '@hydra/logging';
import { DEFAULT_DATABASE_SECRET, DEFAULT_DATABASE_SECRET_KEY, parseExternalUrl } from '@hydra/schema';
import { UsageError, integerOption, parseCommandArgs } from '../args.ts';
import { waitForSignal } from '../runtime/lifecycle.ts';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const MAX_WORKERS = 64;

const USAGE = `usage: hydra operator [options]

Runs the HydraMonitor and HydraCollector operator against the cluster in KUBECONFIG
(in a pod: its service account). Needs the CRDs (k8s/crds/) and the RBAC of k8s/operator/.

options:
  --namespaces <a,b>       watch only these namespaces (default: all; hydra's own is always watched)
  --namespace <ns>         hydra's namespace: every monitor's CronJobs run here (default: POD_NAMESPACE,
                           else ${DEFAULT_HYDRA_NAMESPACE})
  --default-collector <n>  HydraCollector (in hydra's namespace) of monitors that name none
                           (default ${DEFAULT_SHARED_COLLECTOR})
  --job-service-account <sa>  ServiceAccount of the job pods (default: the namespace's default)
  --database-secret <name/key>  database Secret the jobs read, in hydra's namespace
                           (default ${DEFAULT_DATABASE_SECRET}/${DEFAULT_DATABASE_SECRET_KEY})
  --workers <n>            concurrent reconciles (default ${DEFAULT_WORKERS})
  --image <ref>            default collector/job image (default ${DEFAULT_IMAGE})
  --external-url <url>     where users reach hydra's dashboard (like Prometheus' --web.external-url):
                           the jobs link their Alertmanager alerts there (HYDRA_EXTERNAL_URL)
  --leader-elect <bool>    elect a leader through a Lease (default true)
  --lease-namespace <ns>   namespace of the Lease (default: POD_NAMESPACE, else default)
  --lease-name <name>      name of the Lease (default ${DEFAULT_LEASE_NAME})
  --http-address <h:p>     /metrics, /healthz, /readyz (default 0.0.0.0:${DEFAULT_HTTP_PORT}; '' disables)
  --resync-seconds <n>     re-queue every monitor this often (default ${DEFAULT_RESYNC_MS / 1000})
  --log-level <level>      ${LOG_LEVELS.join(', ')} (default info)
  -h, --help               show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, {
    usage: USAGE,
    options: {
      namespaces: { type: 'string' },
      namespace: { type: 'string' },
      'default-collector': { type: 'string' },
      'job-service-account': { type: 'string' },
      'database-secret': { type: 'string' },
      workers: { type: 'string' },
      image: { type: 'string' },
      'external-url': { type: 'string' },
      'leader-elect': { type: 'string' },
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string' },
      'http-address': { type: 'string' },
      'resync-seconds': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  if (!args) return 0;
  const level = (args['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level))
    throw new UsageError(`--log-level: '${level}' is not one of ${LOG_LEVELS.join(', ')}`);
  const leaderElect = args['leader-elect'] ?? 'true';
  if (leaderElect !== 'true' && leaderElect !== 'false')
    throw new UsageError(`--leader-elect: '${leaderElect}' is not true or false`);
  const httpAddress = args['http-address'] ?? `0.0.0.0:${DEFAULT_HTTP_PORT}`;
  let http: { host: string; port: number } | undefined;
  if (httpAddress !== '') {
    const match = /^(.*):(\d+)$/.exec(httpAddress);
    if (!match) throw new UsageError(`--http-address: '${httpAddress}' is not host:port`);
    http = {
      host: match[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0',
      port: integerOption('http-address', match[2], DEFAULT_HTTP_PORT, 0, 65535),
    };
  }
  let externalUrl: string | undefined;
  if (args['external-url'] !== undefined && args['external-url'] !== '') {
    try {
      externalUrl = parseExternalUrl(args['external-url'], '--external-url');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  let databaseSecret: { name: string; key: string } | undefined;
  if (args['database-secret'] !== undefined) {
    const match = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/([-._a-zA-Z0-9]+)$/.exec(args['database-secret']);
    if (!match) throw new UsageError(`--database-secret: '${args['database-secret']}' is not <secret>/<key>`);
    databaseSecret = { name: match[1]!, key: match[3]! };
  }
  const kubeConfig = loadKubeConfig();
  const log = createLogger({ component: 'operator', level });
  const signal = waitForSignal();
  const operator = await startOperator({
    kubeConfig,
    namespaces: args.namespaces
      ? args.namespaces
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined,
    hydraNamespace: args.namespace || process.env.POD_NAMESPACE || DEFAULT_HYDRA_NAMESPACE,
    ...(args['default-collector'] ? { defaultCollector: args['default-collector'] } : {}),
    ...(args['job-service-account'] ? { jobServiceAccount: args['job-service-account'] } : {}),
    ...(databaseSecret ? { databaseSecret } : {}),
    workers: integerOption('workers', args.workers, DEFAULT_WORKERS, 1, MAX_WORKERS),
    defaultImage: args.image,
    ...(externalUrl ? { externalUrl } : {}),
    resyncMs: integerOption('resync-seconds', args['resync-seconds'], DEFAULT_RESYNC_MS / 1000, 10, 86_400) * 1000,
    leaderElection:
      leaderElect === 'true'
        ? {
            namespace: args['lease-namespace'] ?? process.env.POD_NAMESPACE ?? 'default',
            name: args['lease-name'] ?? DEFAULT_LEASE_NAME,
          }
        : false,
    http,
    logger: log,
  });
  const reason = await Promise.race([signal.then((s) => `signal ${s}`), operator.done]);
  await operator.stop();
  log.info({ reason }, 'operator stopped');
  return reason === 'lost-leadership' || reason === 'runnable-failed' ? 1 : 0;
}
