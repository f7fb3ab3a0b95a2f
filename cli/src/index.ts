/**
 * @hydra/cli: the `hydra` command and the pieces other packages and the
 * benchmarks reuse — the validated settings, the demo fleet's signal model,
 * its seeded history and live workload, and the CSV import.
 */
export { main, COMMANDS, usage } from './main.ts';
export { loadConfig, ConfigError, SETTINGS, type HydraConfig, type Setting } from './config.ts';
export { startTelemetry, type Telemetry } from './telemetry.ts';
export { DEMO_HOSTS, DEMO_METRICS, DEMO_SEED, type HostProfile } from './demo/hosts.ts';
export { hostSignals, type HostSignals } from './demo/signals.ts';
export { incidentsBetween, type Incident, type IncidentKind } from './demo/incidents.ts';
export { demoHistory, type HistoryOptions } from './demo/history.ts';
export { seedDemoHistory, type SeedResult } from './demo/seed-history.ts';
export { startDemoWorkload, type DemoWorkload, type DemoWorkloadOptions } from './demo/workload.ts';
export { importCsv, type ImportSummary } from './import/csv-import.ts';
