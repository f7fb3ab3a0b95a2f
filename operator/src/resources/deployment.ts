/** The collector Deployment: `hydra collector` receiving OTLP from the monitored workloads. */
import type { V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import type { HydraMonitor } from '@hydra/schema';
import { ANNOTATION_CONFIG_HASH, COMPONENT_COLLECTOR } from '../constants.ts';
import { collectorConfigHash, collectorConfigMapName } from './configmap.ts';
import { childMeta, collectorName, selectorLabels, childLabels } from './meta.ts';
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from './pod-security.ts';

/** Seconds a collector pod gets to flush its writer after SIGTERM. */
export const COLLECTOR_TERMINATION_GRACE_SECONDS = 30;
/** Readiness probe period; the collector answers /healthz once its receivers listen. */
export const PROBE_PERIOD_SECONDS = 10;
export const HEALTH_PATH = '/healthz';

/** Options the operator passes to every builder. */
export interface BuildOptions {
  /** Image used when the monitor does not set spec.collector.image. */
  defaultImage: string;
  /** Where users reach hydra's dashboard: set on the jobs as HYDRA_EXTERNAL_URL (links in their alerts). */
  externalUrl?: string;
}

export function imageOf(monitor: HydraMonitor, options: BuildOptions): string {
  return monitor.spec.collector.image ?? options.defaultImage;
}

/** DATABASE_URL from the monitor's database Secret (collector and jobs). */
export function databaseEnv(monitor: HydraMonitor): V1EnvVar {
  const ref = monitor.spec.storage.databaseSecretRef;
  return { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** The desired collector Deployment. */
export function buildCollectorDeployment(monitor: HydraMonitor, options: BuildOptions): V1Deployment {
  const { collector } = monitor.spec;
  const env: V1EnvVar[] = [databaseEnv(monitor)];
  if (collector.ingestTokenSecretRef) {
    const ref = collector.ingestTokenSecretRef;
    env.push({ name: 'HYDRA_INGEST_TOKEN', valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
  }
  const probe = { httpGet: { path: HEALTH_PATH, port: 'otlp-http' }, periodSeconds: PROBE_PERIOD_SECONDS };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(monitor, collectorName(monitor), COMPONENT_COLLECTOR),
    spec: {
      replicas: collector.replicas,
      selector: { matchLabels: selectorLabels(monitor, COMPONENT_COLLECTOR) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: childLabels(monitor, COMPONENT_COLLECTOR),
          annotations: { [ANNOTATION_CONFIG_HASH]: collectorConfigHash(monitor) },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY_CONTEXT,
          terminationGracePeriodSeconds: COLLECTOR_TERMINATION_GRACE_SECONDS,
          containers: [
            {
              name: 'collector',
              image: imageOf(monitor, options),
              imagePullPolicy: collector.imagePullPolicy,
              command: ['hydra'],
              args: ['collector'],
              envFrom: [{ configMapRef: { name: collectorConfigMapName(monitor) } }],
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
