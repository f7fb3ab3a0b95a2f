/** @hydra/operator: the HydraMonitor controller and its pure builders. */
export * from './constants.ts';
export { desiredChildren, type DesiredChild, type DesiredOptions } from './resources/desired.ts';
