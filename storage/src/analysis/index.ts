/** SQL of the analysis side: anomaly scores and checkpoints, alerts, silences, the notification outbox, trends. */
export * from './scores.ts';
export * from './alerts.ts';
export * from './silences.ts';
export * from './outbox.ts';
export * from './trends.ts';
export * from './job-status.ts';
export * from './detector-state.ts';
