export * from './stats/index.ts';
export * from './detect/index.ts';
export * from './forecast/index.ts';
export * from './seasonality/index.ts';
export { mulberry32 } from './random.ts';
