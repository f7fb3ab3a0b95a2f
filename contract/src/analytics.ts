/** Response schemas of the analytics routes that clients read point by point. */
import { Type } from 'typebox';
import { nullable } from './schemas.ts';

const num = (description: string) => nullable(Type.Number({ description }));

export const ScorePoint = Type.Object({
  t: Type.Number({ description: 'epoch ms' }),
  monitor: Type.String(),
  value: num('observed (step average, or rate for counters)'),
  score: num('0..1; above 0.5 is anomalous'),
  expected: num('expected value'),
  lower: num('lower edge of the normal band'),
  upper: num('upper edge of the normal band'),
});
