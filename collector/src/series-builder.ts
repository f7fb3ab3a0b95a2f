/**
 * The translation rules, in one place, for every decoder: series identity =
 * metric descriptor + labels (resource, then scope, then point attributes, the
 * later winning on a clash); histograms go whole to their table plus
 * `<name>_count` / `<name>_sum` sums; summaries flatten to
 * `<name>{quantile="q"}` gauges plus `_count` / `_sum`. Decoders push points
 * in wire order and the builder groups them into IngestSeries.
 */
import { expHistogramProblem, histogramProblem, metricIdentityKey } from '@hydra/storage';
import type {
  ExpHistogramPoint,
  HistogramPoint,
  Labels,
  MetricDescriptor,
  MetricKind,
  Temporality,
} from '@hydra/storage';
import { Rejections } from './rejections.ts';
import type { IngestPoint, IngestSeries, RejectReason } from './types.ts';

export const SCOPE_NAME_LABEL = 'otel.scope.name';
export const SCOPE_VERSION_LABEL = 'otel.scope.version';
export const QUANTILE_LABEL = 'quantile';
export const COUNT_SUFFIX = '_count';
export const SUM_SUFFIX = '_sum';

/** Descriptions are informative only: longer ones are cut, U+0000 (which PostgreSQL cannot store) removed. */
export const MAX_DESCRIPTION_CHARS = 1024;

export type HistogramInput = Omit<HistogramPoint, 'seriesId'>;
export type ExpHistogramInput = Omit<ExpHistogramPoint, 'seriesId'>;

/** What a decoder produced from one request. */
export interface DecodedRequest {
  series: IngestSeries[];
  /** Data points seen on the wire (stored, rejected or skipped). */
  points: number;
  rejections: Rejections;
}

/**
 * Series whose points repeat a data point already counted elsewhere (a
 * histogram's `_count` / `_sum`, a summary's quantiles and `_sum`): limits that
 * hit them also hit their primary series, so they are not counted twice.
 */
const derived = new WeakSet<IngestSeries>();

/** Whether `s` was derived from points that another series of the same request counts. */
export function isDerivedSeries(s: IngestSeries): boolean {
  return derived.has(s);
}

/**
 * Identity-key prefixes (descriptor + resource and scope labels, ~150
 * characters) are replaced by short tokens, so that the per-point keys stay
 * short to hash. A token is never reused for another prefix (the counter only
 * grows); when the table is full it is cleared and prefixes get new tokens,
 * and the registry's cache entries under the old ones age out.
 */
export const MAX_INTERNED_PREFIXES = 10_000;
const prefixTokens = new Map<string, string>();
let nextPrefixToken = 0;

function prefixToken(prefix: string): string {
  let token = prefixTokens.get(prefix);
  if (token === undefined) {
    if (prefixTokens.size >= MAX_INTERNED_PREFIXES) prefixTokens.clear();
    token = (nextPrefixToken++).toString(36) + '\n';
    prefixTokens.set(prefix, token);
  }
  return token;
}

/** A descriptor with the identity-key prefix of its series in the current resource and scope. */
interface KeyedDescriptor {
  descriptor: MetricDescriptor;
  /** The token of metricIdentityKey + '\n' + JSON of the resource and scope labels (see prefixToken). */
  keyPrefix: string;
}

interface MetricState {
  /** For a summary: the descriptor of its quantile gauges. */
  main: KeyedDescriptor;
  summary: boolean;
  /** `_count` / `_sum` descriptors of histograms and summaries, made on first use. */
  count?: KeyedDescriptor;
  sum?: KeyedDescriptor;
  /** series of this metric by identity key */
  series: Map<string, IngestSeries>;
}

export class SeriesBuilder {
  readonly rejections: Rejections;
  private readonly out: IngestSeries[] = [];
  private points = 0;
  private resource: Labels = {};
  private base: Labels = {};
  /** JSON of `base`, computed once per resource and scope for the series identity keys. */
  private baseJson = '{}';
  private metric: MetricState | null = null;
  private readonly nowUs: number;

  constructor(maxMessages: number, nowUs = Date.now() * 1000) {
    this.rejections = new Rejections(maxMessages);
    this.nowUs = nowUs;
  }

  beginResource(attributes: Labels): void {
    this.resource = attributes;
    this.base = attributes;
    this.baseJson = JSON.stringify(attributes);
    this.metric = null;
  }

  beginScope(name: string, version: string): void {
    const base: Labels = Object.assign({}, this.resource);
    if (name !== '') base[SCOPE_NAME_LABEL] = name;
    if (version !== '') base[SCOPE_VERSION_LABEL] = version;
    this.base = base;
    this.baseJson = JSON.stringify(base);
    this.metric = null;
  }

  beginMetric(
    name: string,
    description: string,
    unit: string,
    kind: MetricKind,
    temporality: Temporality,
    monotonic: boolean,
  ): void {
    const summary = kind === 'summary';
    const descriptor: MetricDescriptor = summary
      ? { name, kind: 'gauge', unit, temporality: 'unspecified', monotonic: false }
      : { name, kind, unit, temporality, monotonic };
    if (description !== '')
      descriptor.description = description.replaceAll('\u0000', '').slice(0, MAX_DESCRIPTION_CHARS);
    this.metric = { main: this.keyed(descriptor), summary, series: new Map() };
  }

  /** A gauge or sum point; a zero time means "not set" and takes the receive time. */
  number(attributes: Labels, timeUs: number, value: number): void {
    const m = this.current();
    this.points++;
    addSample(this.seriesOf(m.main, attributes), { timeUs: this.time(timeUs), value });
  }

  histogram(attributes: Labels, point: HistogramInput): void {
    const m = this.current();
    this.points++;
    if (point.bucketCounts.length !== 0 && point.bucketCounts.length !== point.bounds.length + 1) {
      this.reject(
        'invalid_point',
        1,
        () =>
          `metric ${m.main.descriptor.name}: bucket_counts has ${point.bucketCounts.length} entries, explicit_bounds ${point.bounds.length} (expected bounds + 1)`,
      );
      return;
    }
    const problem = histogramProblem(point);
    if (problem) return this.reject('invalid_point', 1, () => `metric ${m.main.descriptor.name}: histogram ${problem}`);
    point.timeUs = this.time(point.timeUs);
    const s = this.seriesOf(m.main, attributes);
    if (s.histograms === NO_POINTS) s.histograms = [point];
    else s.histograms.push(point);
    this.countAndSum(m, attributes, point.timeUs, point.count, point.sum);
  }

  expHistogram(attributes: Labels, point: ExpHistogramInput): void {
    const m = this.current();
    this.points++;
    const problem = expHistogramProblem(point);
    if (problem) {
      return this.reject(
        'invalid_point',
        1,
        () => `metric ${m.main.descriptor.name}: exponential histogram ${problem}`,
      );
    }
    point.timeUs = this.time(point.timeUs);
    const s = this.seriesOf(m.main, attributes);
    if (s.expHistograms === NO_POINTS) s.expHistograms = [point];
    else s.expHistograms.push(point);
    this.countAndSum(m, attributes, point.timeUs, point.count, point.sum);
  }

  /** A summary point: one gauge per quantile plus `_count` and `_sum`. */
  summary(attributes: Labels, timeUs: number, count: number, sum: number, quantiles: Array<[number, number]>): void {
    const m = this.current();
    this.points++;
    const t = this.time(timeUs);
    for (const [q, v] of quantiles) {
      const labels: Labels = Object.assign({}, attributes, { [QUANTILE_LABEL]: String(q) });
      addSample(this.seriesOf(m.main, labels, true), { timeUs: t, value: v });
    }
    this.countAndSum(m, attributes, t, count, sum);
  }

  /** A point flagged NO_RECORDED_VALUE: counted, not stored, not an error. */
  skip(): void {
    this.points++;
    this.rejections.skipped++;
  }

  /** A point the decoder found invalid; `points` of them are counted as rejected. */
  reject(reason: RejectReason, points: number, message: () => string): void {
    this.rejections.add(reason, points, message);
  }

  /** Count a point that `reject` accounts for (used when a whole metric is unusable). */
  countPoints(n: number): void {
    this.points += n;
  }

  finish(): DecodedRequest {
    return { series: this.out, points: this.points, rejections: this.rejections };
  }

  private current(): MetricState {
    if (!this.metric) throw new Error('SeriesBuilder: a point arrived before beginMetric');
    return this.metric;
  }

  private time(timeUs: number): number {
    return timeUs > 0 ? timeUs : this.nowUs;
  }

  private countAndSum(m: MetricState, attributes: Labels, timeUs: number, count: number, sum: number | null): void {
    const { name, unit } = m.main.descriptor;
    const temporality = temporalityOf(m);
    m.count ??= this.keyed({ name: name + COUNT_SUFFIX, kind: 'sum', unit: '', temporality, monotonic: true });
    addSample(this.seriesOf(m.count, attributes, !m.summary), { timeUs, value: count });
    if (sum === null) return;
    m.sum ??= this.keyed({ name: name + SUM_SUFFIX, kind: 'sum', unit, temporality, monotonic: true });
    addSample(this.seriesOf(m.sum, attributes, true), { timeUs, value: sum });
  }

  private keyed(descriptor: MetricDescriptor): KeyedDescriptor {
    return { descriptor, keyPrefix: prefixToken(metricIdentityKey(descriptor) + '\n' + this.baseJson) };
  }

  /**
   * The series of `attributes` under `d`, created on first use. Its identity
   * key is the token of the descriptor and base labels + the point attributes
   * in length-prefixed form (attributeKey): both parts parse back unambiguously,
   * and the labels are base then attributes (the later winning), so equal keys
   * mean equal identities.
   */
  private seriesOf(d: KeyedDescriptor, attributes: Labels, isDerived = false): IngestSeries {
    const m = this.metric!;
    const key = d.keyPrefix + attributeKey(attributes);
    let s = m.series.get(key);
    if (!s) {
      // Object.assign, not spread: spreading objects with dotted keys is an order of magnitude slower in V8 12
      const labels: Labels = Object.assign({}, this.base, attributes);
      const ref = { metric: d.descriptor, labels, identityKey: key };
      s = { ref, samples: NO_POINTS, histograms: NO_POINTS, expHistograms: NO_POINTS };
      m.series.set(key, s);
      if (isDerived) derived.add(s);
      this.out.push(s);
    }
    return s;
  }
}

/**
 * The point lists of a new series, shared and frozen until its first point:
 * most series get one point per request, and an array grown by push from
 * empty reserves room for 17, allocated per point on the hot path.
 */
const NO_POINTS: never[] = Object.freeze([]) as unknown as never[];

function addSample(s: IngestSeries, point: IngestPoint): void {
  if (s.samples === NO_POINTS) s.samples = [point];
  else s.samples.push(point);
}

/**
 * `<key length>:<key><value length>:<value>` per attribute, in enumeration
 * order: the lengths delimit every part, so the string parses back to exactly
 * one attribute list (unlike a separator join), and it is ~3× cheaper to build
 * than JSON.stringify on the per-point path.
 */
function attributeKey(attributes: Labels): string {
  let key = '';
  for (const k in attributes) {
    const v = attributes[k]!;
    key += k.length + ':' + k + v.length + ':' + v;
  }
  return key;
}

/** Summaries carry no temporality on the wire; their count and sum are cumulative. */
function temporalityOf(m: MetricState): Temporality {
  return m.summary ? 'cumulative' : m.main.descriptor.temporality;
}
