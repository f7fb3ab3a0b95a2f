/** The collector Deployment: `hydra collector` receiving OTLP from the monitored workloads. */
import type { V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import type { SecretKeyRefType } from '@hydra/schema';
import { ANNOTATION_CONFIG_HASH } from '../constants.ts';
import { collectorMeta, type CollectorSource } from './collector.ts';
import { collectorConfigHash, collectorConfigMapName } from './configmap.ts';
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from './pod-security.ts';

/** Seconds a collector pod gets to flush its writer after SIGTERM. */
export const COLLECTOR_TERMINATION_GRACE_SECONDS = 30;
/** Readiness probe period; the collector answers /healthz once its receivers listen. */
export const PROBE_PERIOD_SECONDS = 10;
export const HEALTH_PATH = '/healthz';

/** Options the operator passes to every builder. */
export interface BuildOptions {
  /** Image of the jobs, and of collectors that set no image. */
  defaultImage: string;
  /** Where users reach hydra's dashboard: set on the jobs as HYDRA_EXTERNAL_URL (links in their alerts). */
  externalUrl?: string;
}

/** DATABASE_URL from a database Secret in the pod's namespace (collector and jobs). */
export function databaseEnv(ref: SecretKeyRefType): V1EnvVar {
  return { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** The desired collector Deployment; no `replicas` when an HPA owns the count. */
export function buildCollectorDeployment(source: CollectorSource, options: BuildOptions): V1Deployment {
  const collector = source.settings;
  const env: V1EnvVar[] = [databaseEnv(source.storage.databaseSecretRef)];
  if (collector.ingestTokenSecretRef) {
    const ref = collector.ingestTokenSecretRef;
    env.push({ name: 'HYDRA_INGEST_TOKEN', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
  }
  const probe = { httpGet: { path: HEALTH_PATH, port: 'otlp-http' }, periodSeconds: PROBE_PERIOD_SECONDS };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: collectorMeta(source),
    spec: {
      ...(source.autoscaling?.enabled ? {} : { replicas: collector.replicas }),
      selector: { matchLabels: source.selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: source.labels,
          annotations: { [ANNOTATION_CONFIG_HASH]: collectorConfigHash(source) },
        },
        spec: {
          automountServiceAccountToken: false,
          // no Service environment variables: hydra reads HYDRA_* settings, and a Service such as the chart's
          // hydra-api would set HYDRA_API_PORT=tcp://IP:port in every pod of its namespace
          enableServiceLinks: false,
          securityContext: POD_SECURITY_CONTEXT,
          terminationGracePeriodSeconds: COLLECTOR_TERMINATION_GRACE_SECONDS,
          containers: [
            {
              name: 'collector',
              image: collector.image ?? options.defaultImage,
              imagePullPolicy: collector.imagePullPolicy,
              command: ['hydra'],
              args: ['collector'],
              envFrom: [{ configMapRef: { name: collectorConfigMapName(source) } }],
              env,
              ports: [
                { name: 'otlp-grpc', containerPort: collector.ports.grpc, protocol: 'TCP' },
                { name: 'otlp-http', containerPort: collector.ports.http, protocol: 'TCP' },
                { name: 'metrics', containerPort: collector.ports.metrics, protocol: 'TCP' },
              ],
              readinessProbe: probe,
              livenessProbe: { ...probe, failureThreshold: 6 },
              resources: {
                requests: { ...collector.resources.requests },
                limits: Object.fromEntries(
                  Object.entries(collector.resources.limits).filter(([, v]) => v !== undefined),
                ) as Record<string, string>,
              },
              securityContext: CONTAINER_SECURITY_CONTEXT,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}
