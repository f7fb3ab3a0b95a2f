/** @hydra/operator: the HydraMonitor controller and its pure builders. */
export * from './constants.ts';
export {
  desiredChildren,
  desiredCollectorChildren,
  hasDedicatedCollector,
  type DesiredChild,
  type DesiredOptions,
} from './resources/desired.ts';
export { dedicatedCollector, sharedCollector, type CollectorSource } from './resources/collector.ts';
export { jobName, anomalyJobName, forecastJobName } from './resources/meta.ts';
export {
  startOperator,
  DEFAULT_HTTP_PORT,
  DEFAULT_LEASE_NAME,
  DEFAULT_RESYNC_MS,
  DEFAULT_WORKERS,
  DEFAULT_SHUTDOWN_MS,
} from './operator.ts';
export type { Operator, OperatorOptions, StopReason } from './operator.ts';
export {
  computeStatus,
  computeCollectorStatus,
  CONDITION_READY,
  CONDITION_COLLECTOR_AVAILABLE,
  CONDITION_JOBS_SCHEDULED,
} from './status.ts';
export { WorkQueue } from './queue.ts';
export { Manager, type Runnable, type Elector, type LeaderCallbacks, type ManagerOptions } from './manager.ts';
export {
  Controller,
  TerminalError,
  type ControllerOptions,
  type Reconcile,
  type ReconcileOutcome,
} from './controller.ts';
export { Caches, KindCache } from './cache.ts';
export type { OperatorMetrics } from './metrics.ts';
export { loadKubeConfig } from './kube/kubeconfig.ts';
export { KubeClient, type RequestObserver, type Verb } from './kube/client.ts';
export { KubeApiError } from './kube/errors.ts';
export {
  HYDRA_MONITOR,
  HYDRA_COLLECTOR,
  HPA,
  PDB,
  CHILD_KINDS,
  CONFIG_MAP,
  SERVICE,
  DEPLOYMENT,
  CRON_JOB,
  SERVICE_MONITOR,
  LEASE,
  collectionPath,
  objectPath,
  type ResourceKind,
} from './kube/kinds.ts';
