import { ContextMemory, sameContext, type ActiveContext, type ContextFacts } from './context-memory.ts';

/** Bits of the quantised value: 2³ = 8 levels over the learned range, as the method's authors chose. */
export const CONTEXT_VALUE_BITS = 3;
/** A raw contextual score at or above this starts a rest period. */
export const CONTEXT_REST_THRESHOLD = 0.75;
/** At most this many active contexts (the most often seen) become facts of the next step. */
export const CONTEXT_MAX_ACTIVE = 15;
/** Candidates whose crossed left half has more facts than this are not stored. */
export const CONTEXT_MAX_LEFT_CROSSED = 7;
/** Facts standing for active contexts are numbered from here, above every value fact. */
const CONTEXT_FACT_BASE = 2 ** 31;
/** The fact of a value below the learned range (its bits follow, as for one above). */
const BELOW_RANGE_FACT = 2 ** 16;

/**
 * The contextual anomaly detector's core (CAD OSE): quantises each value to
 * CONTEXT_VALUE_BITS bits over a range, turns the bits into facts, and asks
 * the {@link ContextMemory} how much of the current step it had predicted.
 * The raw score is (1 − share of the expected contexts that came true + share
 * of the candidate contexts that are new) / 2: 0 when the step was fully
 * predicted, near 1 for a sequence never seen. After a raw score of
 * CONTEXT_REST_THRESHOLD or more the output stays 0 for `restPeriod` steps (one
 * alarm per incident).
 */
export class ContextualCore {
  private readonly memory = new ContextMemory(CONTEXT_MAX_LEFT_CROSSED);
  private readonly step: number;
  private readonly levels = 2 ** CONTEXT_VALUE_BITS - 1;
  private previousFacts: number[] = [];
  /** Steps left in the rest period (output 0). */
  private resting: number;

  constructor(
    private readonly min: number,
    max: number,
    private readonly restPeriod: number,
  ) {
    const range = max - min;
    this.step = (range > 0 ? range : this.levels) / this.levels;
    this.resting = Math.floor(restPeriod);
  }

  /** Contexts stored so far. */
  get contexts(): number {
    return this.memory.size;
  }

  /** The raw score of `value` (learned from), and the score after the rest rule. */
  push(value: number): { raw: number; score: number } {
    const raw = this.learn(this.facts(value));
    let score = raw;
    if (this.resting > 0) {
      this.resting--;
      score = 0;
    }
    if (raw >= CONTEXT_REST_THRESHOLD) this.resting = Math.floor(this.restPeriod);
    return { raw, score };
  }

  /** The value's level in binary, as facts 2·bit + digit (at least CONTEXT_VALUE_BITS bits; more above the range). */
  private facts(value: number): number[] {
    // Outside the range, levels continue (one more bit: up to twice the range above, one range below) and then
    // saturate, so a value far out is new once, not a new pattern at every size.
    const level = Math.max(-this.levels, Math.min(2 * this.levels + 1, Math.trunc((value - this.min) / this.step)));
    const facts: number[] = [];
    let rest = Math.abs(level);
    for (let bit = 0; bit < CONTEXT_VALUE_BITS || rest > 0; bit++) {
      facts.push(bit * 2 + (rest & 1));
      rest = Math.floor(rest / 2);
    }
    if (level < 0) facts.push(BELOW_RANGE_FACT);
    return facts.sort((a, b) => a - b);
  }

  private learn(current: number[]): number {
    let zeroLevel: ContextFacts | undefined;
    let newZeroLevel = false;
    if (this.previousFacts.length > 0) {
      zeroLevel = [this.previousFacts, current];
      newZeroLevel = this.memory.storeZeroLevel(zeroLevel);
    }
    const { active, selected, candidates } = this.memory.crossRight(current, newZeroLevel);
    // The distinct possible new contexts: the candidates (distinct already) and the zero-level context.
    const possible = candidates.length + (zeroLevel && !candidates.some((c) => sameContext(c, zeroLevel)) ? 1 : 0);
    const predicted = selected > 0 ? active.length / selected : 0;

    // The current facts, then the strongest active contexts' facts (larger than any value fact): sorted, distinct.
    const next = current.slice();
    for (const id of strongest(active, CONTEXT_MAX_ACTIVE)) next.push(CONTEXT_FACT_BASE + id);
    this.previousFacts = next;

    const added = this.memory.crossLeft(this.previousFacts, candidates) + (newZeroLevel ? 1 : 0);
    const novelty = newZeroLevel && possible > 0 ? added / possible : 0;
    return (1 - predicted + novelty) / 2;
  }
}

/** Orders active contexts: seen more often, then later halves, is stronger. */
function weaker(a: ActiveContext, b: ActiveContext): number {
  return a.count - b.count || a.left - b.left || a.right - b.right;
}

/** The `k` strongest active contexts, by id (ascending): a bounded selection, not a sort of all of them. */
function strongest(active: readonly ActiveContext[], k: number): number[] {
  if (active.length <= k) return active.map((a) => a.id).sort((x, y) => x - y);
  const top: ActiveContext[] = []; // ascending by strength; top[0] the weakest kept
  for (const a of active) {
    if (top.length === k && weaker(a, top[0] as ActiveContext) <= 0) continue;
    let i = top.length === k ? 1 : 0;
    if (top.length === k) top.shift();
    for (i = 0; i < top.length && weaker(top[i] as ActiveContext, a) < 0; i++);
    top.splice(i, 0, a);
  }
  return top.map((a) => a.id).sort((x, y) => x - y);
}

/** Points whose range sets the quantisation in the streaming form (learned first, then replayed through the memory). */
export const CONTEXT_RANGE_POINTS = 600;
/** Steps the output stays 0 after a raw score of {@link CONTEXT_REST_THRESHOLD} or more, in the streaming form. */
export const CONTEXT_REST_POINTS = 120;

/**
 * The contextual detector as a causal stream: the first
 * {@link CONTEXT_RANGE_POINTS} values only set the range (the method's
 * authors take the range of the whole file, which a live series does not
 * have), then are replayed through the memory; from then on each value is
 * scored and learned. NaN values are skipped.
 */
export class ContextualStream {
  private core: ContextualCore | undefined;
  private readonly learning: number[] = [];

  constructor(
    private readonly rangePoints = CONTEXT_RANGE_POINTS,
    private readonly restPoints = CONTEXT_REST_POINTS,
  ) {}

  /** The score of `value` (0 while the range is learned). */
  push(value: number): number {
    if (Number.isNaN(value)) return 0;
    if (this.core) return this.core.push(value).score;
    this.learning.push(value);
    if (this.learning.length < this.rangePoints) return 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of this.learning) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.core = new ContextualCore(min, max, this.restPoints);
    for (const v of this.learning) this.core.push(v);
    this.learning.length = 0;
    return 0;
  }
}
