export { CompensatedSum, sum, mean, variance, standardDeviation } from './summation.ts';
export { MAD_NORMAL_SCALE, sortedCopy, quantileSorted, quantile, median, mad } from './order.ts';
export { RollingMoments } from './rolling-moments.ts';
export { RollingOrder } from './rolling-order.ts';
export { autocorrelation } from './autocorrelation.ts';
export { typicalInterval } from './interval.ts';
