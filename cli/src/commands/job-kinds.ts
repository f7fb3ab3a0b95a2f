/** The analysis jobs `hydra job` runs (one home, read by `hydra --help` without loading the jobs). */
export const JOB_KINDS = ['anomaly', 'forecast'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
