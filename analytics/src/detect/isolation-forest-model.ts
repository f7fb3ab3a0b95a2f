/**
 * Isolation Forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008):
 * random axis-aligned splits isolate anomalies in fewer steps than normal
 * points; the score of x is 2^(−E[h(x)] / c(ψ)), near 1 for anomalies and
 * at most about 0.5 for normal points. Fit O(t·ψ·log ψ), score O(t·log ψ)
 * for t trees of ψ samples. Deterministic for a given random source.
 *
 * One extension for scoring points that were not in the sample (the causal
 * case: a point is scored before the forest has seen it): where the point
 * lies outside the training range of a node's split feature by a gap g, a
 * split drawn over the range including the point would have isolated it
 * there with probability g / (range + g); the path length is the
 * expectation over that. Without it every point beyond the training range
 * scores like the most extreme training point, however far out it is.
 */

/** Euler–Mascheroni constant, for the harmonic-number approximation. */
const EULER_GAMMA = 0.5772156649015329;

/** c(n): average path length of an unsuccessful search in a binary search tree of n points (paper, eq. 1). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

interface Tree {
  /** Split feature per node, or -1 for a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  /** Range of the split feature among the node's training rows. */
  low: Float64Array;
  high: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf: depth + c(size) as in the paper's path length adjustment. */
  leafPath: Float64Array;
}

/** A fitted forest. */
export class IsolationForest {
  private constructor(
    private readonly trees: Tree[],
    private readonly sampleSize: number,
  ) {}

  /**
   * Fits `trees` trees of `sampleSize` rows drawn without replacement from
   * `rows` (all rows when fewer). Throws when `rows` is empty.
   */
  static fit(rows: readonly Float64Array[], trees: number, sampleSize: number, random: () => number): IsolationForest {
    if (rows.length === 0) throw new RangeError('IsolationForest.fit: rows must not be empty');
    const psi = Math.min(sampleSize, rows.length);
    const heightLimit = Math.ceil(Math.log2(Math.max(psi, 2)));
    const forest: Tree[] = [];
    const indices = Array.from(rows.keys());
    for (let t = 0; t < trees; t++) {
      for (let i = 0; i < psi; i++) {
        const j = i + Math.floor(random() * (indices.length - i));
        [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
      }
      forest.push(buildTree(rows, indices.slice(0, psi), heightLimit, random));
    }
    return new IsolationForest(forest, psi);
  }

  /** Anomaly score of `x` in (0, 1). */
  score(x: Float64Array): number {
    let total = 0;
    for (const tree of this.trees) {
      let node = 0;
      let depth = 0;
      let remaining = 1;
      let path = 0;
      while ((tree.feature[node] as number) >= 0) {
        const v = x[tree.feature[node] as number] as number;
        const low = tree.low[node] as number;
        const high = tree.high[node] as number;
        const gap = v < low ? low - v : v > high ? v - high : 0;
        if (gap > 0) {
          const isolatedHere = gap / (high - low + gap);
          path += remaining * isolatedHere * (depth + 1);
          remaining *= 1 - isolatedHere;
        }
        node = v < (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
        depth++;
      }
      total += path + remaining * (tree.leafPath[node] as number);
    }
    const c = averagePathLength(this.sampleSize);
    return c === 0 ? 0.5 : 2 ** (-(total / this.trees.length) / c);
  }
}

function buildTree(rows: readonly Float64Array[], sample: number[], heightLimit: number, random: () => number): Tree {
  const maxNodes = 2 * sample.length;
  const tree: Tree = {
    feature: new Int32Array(maxNodes).fill(-1),
    threshold: new Float64Array(maxNodes),
    low: new Float64Array(maxNodes),
    high: new Float64Array(maxNodes),
    left: new Int32Array(maxNodes),
    right: new Int32Array(maxNodes),
    leafPath: new Float64Array(maxNodes),
  };
  const dims = rows[0]?.length ?? 0;
  let used = 1;
  const stack: { node: number; members: number[]; depth: number }[] = [{ node: 0, members: sample, depth: 0 }];
  while (stack.length > 0) {
    const { node, members, depth } = stack.pop() as { node: number; members: number[]; depth: number };
    const split = depth < heightLimit && members.length > 1 ? chooseSplit(rows, members, dims, random) : undefined;
    if (!split) {
      tree.leafPath[node] = depth + averagePathLength(members.length);
      continue;
    }
    const [feature, threshold, low, high] = split;
    tree.low[node] = low;
    tree.high[node] = high;
    const lower = members.filter((i) => ((rows[i] as Float64Array)[feature] as number) < threshold);
    const upper = members.filter((i) => ((rows[i] as Float64Array)[feature] as number) >= threshold);
    tree.feature[node] = feature;
    tree.threshold[node] = threshold;
    tree.left[node] = used++;
    tree.right[node] = used++;
    stack.push({ node: tree.left[node] as number, members: lower, depth: depth + 1 });
    stack.push({ node: tree.right[node] as number, members: upper, depth: depth + 1 });
  }
  return tree;
}

/**
 * A random feature with spread among `members`, a uniform threshold inside
 * its range, and that range; undefined if all rows are equal.
 */
function chooseSplit(
  rows: readonly Float64Array[],
  members: number[],
  dims: number,
  random: () => number,
): [feature: number, threshold: number, low: number, high: number] | undefined {
  const start = Math.floor(random() * dims);
  for (let k = 0; k < dims; k++) {
    const feature = (start + k) % dims;
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of members) {
      const v = (rows[i] as Float64Array)[feature] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) {
      const threshold = lo + random() * (hi - lo);
      return [feature, threshold > lo ? threshold : hi, lo, hi];
    }
  }
  return undefined;
}
