/**
 * The context memory of the contextual anomaly detector (CAD OSE, M. Smirnov,
 * 2016; the "Contextual Anomaly Detector — Open Source Edition" scored on the
 * Numenta Anomaly Benchmark). Written here from the method's description: no
 * library implements it for JavaScript.
 *
 * A context is a pair (left semi-context, right semi-context), each a sorted
 * set of facts (small integers). The left facts are what was seen one step
 * ago (the quantised value's bits and the contexts that were active then),
 * the right facts what is seen now. Every step the memory is "crossed" with
 * the current facts: a left semi-context is complete when all its facts are
 * among the previous step's left facts; a context whose left half is complete
 * and whose right half is fully present now is active (it predicted this
 * step). Contexts whose halves are partly present are candidates for new,
 * more general contexts. Semi-contexts are shared between contexts, so the
 * memory stays small: a series with a repeating pattern stops adding
 * contexts.
 *
 * Crossing visits only the semi-contexts holding one of the current facts
 * (an index fact → semi-contexts), in creation order, so a step costs what
 * the current facts touch, not the size of the memory.
 */

/** One half of a context. */
interface SemiContext {
  /** Position in creation order. */
  readonly id: number;
  /** Its facts, sorted. */
  readonly facts: readonly number[];
  /** How many facts the semi-context has. */
  readonly size: number;
  /** Its facts present in the last crossing, in the order they were crossed (read-only; replaced, never edited, once crossed). */
  crossed: readonly number[];
  /** Right semi-context id → context id (left semi-contexts only). */
  readonly contexts: Map<number, number>;
}

interface Context {
  readonly id: number;
  /** How often the context has been active. */
  count: number;
  /** Whether it was ever seen as a whole (a "zero-level" context: previous facts → current facts). */
  zeroLevel: boolean;
  readonly left: number;
  readonly right: number;
}

/** A candidate context: left facts, right facts. */
export type ContextFacts = readonly [readonly number[], readonly number[]];

/** An active context: its id, activation count and halves (the ordering key for the strongest ones). */
export interface ActiveContext {
  readonly id: number;
  readonly count: number;
  readonly left: number;
  readonly right: number;
}

const NOTHING: readonly number[] = Object.freeze([]);

const LEFT = 0;
const RIGHT = 1;
type Side = typeof LEFT | typeof RIGHT;

/** FNV-1a over the facts' 32-bit halves: a bucket key; buckets compare facts exactly. */
export function hashFacts(facts: readonly number[], seed = 0x811c9dc5): number {
  let h = seed;
  for (const fact of facts) {
    h = Math.imul(h ^ (fact & 0xffff), 0x01000193);
    h = Math.imul(h ^ (fact >>> 16), 0x01000193);
    h = Math.imul(h ^ Math.floor(fact / 0x100000000), 0x01000193);
  }
  return h >>> 0;
}

/** Whether two sorted fact lists are equal. */
export function sameFacts(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether two candidate contexts are equal. */
export function sameContext(a: ContextFacts, b: ContextFacts): boolean {
  return sameFacts(a[0], b[0]) && sameFacts(a[1], b[1]);
}

export class ContextMemory {
  /** Semi-contexts by the hash of their facts (a bucket compares facts exactly). */
  private readonly buckets: [Map<number, SemiContext[]>, Map<number, SemiContext[]>] = [new Map(), new Map()];
  private readonly semis: [SemiContext[], SemiContext[]] = [[], []];
  private readonly byFact: [Map<number, SemiContext[]>, Map<number, SemiContext[]>] = [new Map(), new Map()];
  private crossedSemis: [SemiContext[], SemiContext[]] = [[], []];
  /** Left semi-contexts by their largest fact (the rarest: an active context's fact when they have one). */
  private readonly leftByAnchor = new Map<number, SemiContext[]>();
  /** The left facts given to the last {@link crossLeft}. */
  private leftFacts: readonly number[] = [];
  private readonly contexts: Context[] = [];
  /** The zero-level context created in this step (not to be activated in the same step), or −1. */
  private newContext = -1;

  constructor(private readonly maxLeftCrossed: number) {}

  /** Number of contexts stored. */
  get size(): number {
    return this.contexts.length;
  }

  /**
   * Stores the zero-level context `facts` (previous facts → current facts).
   * Returns whether it was new.
   */
  storeZeroLevel(facts: ContextFacts): boolean {
    const { id, added } = this.store(facts, true);
    if (added) this.newContext = id;
    else (this.contexts[id] as Context).zeroLevel = true;
    return added;
  }

  /** Stores each candidate; returns how many were new. */
  storeCandidates(candidates: readonly ContextFacts[]): number {
    let added = 0;
    for (const facts of candidates) if (this.store(facts, false).added) added++;
    return added;
  }

  /**
   * Crosses the right halves with the current facts and reviews the contexts
   * whose left half the previous step completed: returns the active ones, how
   * many had a complete left half, and the distinct candidate new contexts
   * (only when this step added a zero-level context, as the method does).
   */
  crossRight(
    facts: readonly number[],
    newZeroLevel: boolean,
  ): { active: ActiveContext[]; selected: number; candidates: ContextFacts[] } {
    this.cross(RIGHT, facts);
    const active: ActiveContext[] = [];
    const candidates: ContextFacts[] = [];
    let selected = 0;
    const rights = this.semis[RIGHT];
    // Candidates (contexts to generalise into) come only in a step that stored a new zero-level context; the
    // other steps cost what the current facts' own contexts hold, not the size of the memory.
    if (!newZeroLevel) {
      // Only complete left halves matter, found through their anchors; a context among them is active when its
      // right half is complete now, looked up by the (few) complete right halves.
      const completeRights = this.crossedSemis[RIGHT].filter((r) => r.crossed.length === r.size);
      for (const left of this.completeLefts()) {
        selected += left.contexts.size;
        for (const right of completeRights) {
          const contextId = left.contexts.get(right.id);
          if (contextId === undefined) continue;
          const context = this.contexts[contextId] as Context;
          context.count++;
          active.push(context);
        }
      }
      return { active, selected, candidates };
    }
    this.cross(LEFT, this.leftFacts);
    const seen = new Map<number, ContextFacts[]>();
    for (const left of this.crossedSemis[LEFT]) {
      const leftComplete = left.crossed.length === left.size;
      const leftHash = left.crossed.length <= this.maxLeftCrossed ? hashFacts(left.crossed) : -1;
      for (const [rightId, contextId] of left.contexts) {
        if (contextId === this.newContext) continue;
        const context = this.contexts[contextId] as Context;
        const right = rights[rightId] as SemiContext;
        const rightCrossed = right.crossed.length;
        if (leftComplete) {
          selected++;
          if (rightCrossed === 0) continue;
          if (rightCrossed === right.size) {
            context.count++;
            active.push(context);
            continue;
          }
        } else if (rightCrossed === 0) continue;
        if (context.zeroLevel && leftHash >= 0) {
          // Candidates repeat (many contexts share crossed halves); storing one twice adds nothing, so keep one.
          const hash = hashFacts(right.crossed, leftHash);
          const bucket = seen.get(hash);
          if (bucket?.some((c) => sameFacts(c[0], left.crossed) && sameFacts(c[1], right.crossed))) continue;
          const candidate: ContextFacts = [left.crossed.slice(), right.crossed.slice()];
          if (bucket) bucket.push(candidate);
          else seen.set(hash, [candidate]);
          candidates.push(candidate);
        }
      }
    }
    this.newContext = -1;
    return { active, selected, candidates };
  }

  /** Stores the candidates and remembers the left facts for the next step; returns how many were new. */
  crossLeft(facts: readonly number[], candidates: readonly ContextFacts[]): number {
    const added = candidates.length > 0 ? this.storeCandidates(candidates) : 0;
    this.leftFacts = facts;
    return added;
  }

  /** The left semi-contexts all of whose facts are among the left facts, crossed, in creation order. */
  private completeLefts(): SemiContext[] {
    for (const semi of this.crossedSemis[LEFT]) semi.crossed = NOTHING;
    const present = new Set(this.leftFacts);
    const complete: SemiContext[] = [];
    for (const fact of this.leftFacts) {
      for (const semi of this.leftByAnchor.get(fact) ?? []) {
        if (semi.facts.every((f) => present.has(f))) {
          semi.crossed = semi.facts;
          complete.push(semi);
        }
      }
    }
    complete.sort((a, b) => a.id - b.id);
    this.crossedSemis[LEFT] = complete;
    return complete;
  }

  private store([leftFacts, rightFacts]: ContextFacts, zeroLevel: boolean): { id: number; added: boolean } {
    const left = this.semi(LEFT, leftFacts);
    const right = this.semi(RIGHT, rightFacts);
    const existing = left.contexts.get(right.id);
    if (existing !== undefined) return { id: existing, added: false };
    const id = this.contexts.length;
    left.contexts.set(right.id, id);
    this.contexts.push({ id, count: 0, zeroLevel, left: left.id, right: right.id });
    return { id, added: true };
  }

  private semi(side: Side, facts: readonly number[]): SemiContext {
    const hash = hashFacts(facts);
    const bucket = this.buckets[side].get(hash);
    if (bucket) for (const known of bucket) if (sameFacts(known.facts, facts)) return known;
    const semi: SemiContext = {
      id: this.semis[side].length,
      facts: facts.slice(),
      size: facts.length,
      crossed: NOTHING,
      contexts: new Map(),
    };
    if (bucket) bucket.push(semi);
    else this.buckets[side].set(hash, [semi]);
    this.semis[side].push(semi);
    const index = this.byFact[side];
    for (const fact of facts) {
      const list = index.get(fact);
      if (list) list.push(semi);
      else index.set(fact, [semi]);
    }
    if (side === LEFT && facts.length > 0) {
      const anchor = facts[facts.length - 1] as number;
      const list = this.leftByAnchor.get(anchor);
      if (list) list.push(semi);
      else this.leftByAnchor.set(anchor, [semi]);
    }
    return semi;
  }

  /** Records which facts of each semi-context of `side` are present now; the crossed ones in creation order. */
  private cross(side: Side, facts: readonly number[]): void {
    for (const semi of this.crossedSemis[side]) semi.crossed = NOTHING;
    const touched: SemiContext[] = [];
    const index = this.byFact[side];
    for (const fact of facts) {
      const list = index.get(fact);
      if (!list) continue;
      for (const semi of list) {
        if (semi.crossed.length === 0) {
          touched.push(semi);
          semi.crossed = [fact];
        } else (semi.crossed as number[]).push(fact);
      }
    }
    touched.sort((a, b) => a.id - b.id);
    this.crossedSemis[side] = touched;
  }
}
