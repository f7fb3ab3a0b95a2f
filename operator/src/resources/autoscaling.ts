/**
 * A HydraCollector's HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget (policy/v1). The HPA
 * scales on CPU, which the resource metrics API (metrics-server) serves; `autoscaling.queueRowsPerPod` adds the
 * collector's writer queue as a Pods metric, which only a custom metrics adapter (prometheus-adapter) serves.
 */
import type { V1PodDisruptionBudget, V2HorizontalPodAutoscaler, V2MetricSpec } from '@kubernetes/client-node';
import { QUEUE_METRIC } from '@hydra/schema';
import { collectorMeta, type CollectorSource } from './collector.ts';

/** The desired HPA, when `autoscaling.enabled`. */
export function buildCollectorHpa(source: CollectorSource): V2HorizontalPodAutoscaler | undefined {
  const a = source.autoscaling;
  if (!a?.enabled) return undefined;
  const metrics: V2MetricSpec[] = [
    {
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCPUUtilizationPercentage } },
    },
  ];
  if (a.queueRowsPerPod !== undefined)
    metrics.push({
      type: 'Pods',
      pods: { metric: { name: QUEUE_METRIC }, target: { type: 'AverageValue', averageValue: a.queueRowsPerPod } },
    });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: collectorMeta(source),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: source.name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics,
    },
  };
}

/** The desired PDB of a HydraCollector's pods. */
export function buildCollectorPdb(source: CollectorSource): V1PodDisruptionBudget | undefined {
  if (!source.podDisruptionBudget) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: collectorMeta(source),
    spec: {
      maxUnavailable: source.podDisruptionBudget.maxUnavailable,
      selector: { matchLabels: source.selector },
    },
  };
}
