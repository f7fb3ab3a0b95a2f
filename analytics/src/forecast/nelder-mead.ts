/**
 * Nelder–Mead downhill simplex minimisation of a function of a few real parameters,
 * used to fit smoothing weights by least squares.
 *
 * Standard coefficients (reflection 1, expansion 2, contraction 0.5, shrink 0.5); stops when the
 * spread of function values falls below `tolerance` or after `maxEvaluations`. O(maxEvaluations · cost(f)).
 * Non-finite function values are treated as +Infinity, so a penalised region is simply avoided.
 * Reference: J. A. Nelder and R. Mead, "A simplex method for function minimization", Computer Journal 7 (1965).
 */
const DEFAULT_MAX_EVALUATIONS = 400;
const DEFAULT_TOLERANCE = 1e-8;
const DEFAULT_STEP = 0.5;

export interface NelderMeadOptions {
  maxEvaluations?: number;
  tolerance?: number;
  /** Initial simplex edge along each axis. */
  step?: number;
}

/** Minimises `f` from `start`; returns the best point found and its value. */
export function nelderMead(
  f: (x: number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): { x: number[]; value: number } {
  const maxEvaluations = options.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const step = options.step ?? DEFAULT_STEP;
  const dim = start.length;
  if (dim === 0) throw new RangeError('nelderMead: start must have at least one parameter');
  const evaluate = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: { x: number[]; value: number }[] = [];
  simplex.push({ x: [...start], value: evaluate([...start]) });
  for (let i = 0; i < dim; i++) {
    const x = [...start];
    x[i] = (x[i] as number) + step;
    simplex.push({ x, value: evaluate(x) });
  }
  let evaluations = dim + 1;
  const combine = (a: number[], b: number[], t: number): number[] => a.map((ai, i) => ai + t * ((b[i] as number) - ai));
  while (evaluations < maxEvaluations) {
    simplex.sort((p, q) => p.value - q.value);
    const best = simplex[0] as { x: number[]; value: number };
    const worst = simplex[dim] as { x: number[]; value: number };
    const secondWorst = simplex[dim - 1] ?? best;
    if (Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) centroid[j] = (centroid[j] as number) + (simplex[i]!.x[j] as number) / dim;
    const reflected = combine(centroid, worst.x, -1);
    const fr = evaluate(reflected);
    evaluations++;
    if (fr < best.value) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = evaluate(expanded);
      evaluations++;
      simplex[dim] = fe < fr ? { x: expanded, value: fe } : { x: reflected, value: fr };
    } else if (fr < secondWorst.value) {
      simplex[dim] = { x: reflected, value: fr };
    } else {
      const contracted = fr < worst.value ? combine(centroid, reflected, 0.5) : combine(centroid, worst.x, 0.5);
      const fc = evaluate(contracted);
      evaluations++;
      if (fc < Math.min(fr, worst.value)) {
        simplex[dim] = { x: contracted, value: fc };
      } else {
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const x = combine(best.x, p.x, 0.5);
          evaluations++;
          return { x, value: evaluate(x) };
        });
      }
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  return simplex[0] as { x: number[]; value: number };
}
