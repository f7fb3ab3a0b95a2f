/**
 * Experiment: Spectral Residual saliency (Ren et al., "Time-Series Anomaly Detection Service at Microsoft",
 * KDD 2019), streaming: for each point, the last `window` values plus `extend` extrapolated ones (the paper's
 * estimated points, so the newest point is not at the edge of the FFT), log amplitude spectrum minus its
 * `q`-point moving average, back-transformed with the original phase: the saliency map S. Output for the
 * newest point: (S − mean of the `local` preceding saliencies) / that mean; the paper alarms at τ = 3.
 */
export class SpectralResidual {
  private readonly values: number[] = [];
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly n: number;
  constructor(
    readonly window = 59,
    readonly extend = 5,
    readonly q = 3,
    readonly local = 21,
    readonly delay = 0,
  ) {
    this.n = window + extend;
    if ((this.n & (this.n - 1)) !== 0) throw new RangeError('window + extend must be a power of two');
    this.re = new Float64Array(this.n);
    this.im = new Float64Array(this.n);
  }

  /** Adds a value; returns the SR score of it (NaN until the window is full). */
  push(v: number): number {
    this.values.push(v);
    if (this.values.length > this.window) this.values.shift();
    if (this.values.length < this.window) return Number.NaN;
    const w = this.window;
    const x = this.values;
    const m = this.extend;
    // estimated points: x_{n+1} = x_{n−m+1} + ḡ·m, ḡ = mean over i of (x_n − x_{n−i}) / i
    let g = 0;
    for (let i = 1; i <= m; i++) g += ((x[w - 1] as number) - (x[w - 1 - i] as number)) / i;
    g /= m;
    const next = (x[w - m] as number) + g * m;
    const re = this.re;
    const im = this.im;
    for (let i = 0; i < w; i++) {
      re[i] = x[i] as number;
      im[i] = 0;
    }
    for (let i = w; i < this.n; i++) {
      re[i] = next;
      im[i] = 0;
    }
    fft(re, im, false);
    const n = this.n;
    const logAmp = new Float64Array(n);
    for (let k = 0; k < n; k++) logAmp[k] = Math.log(Math.hypot(re[k] as number, im[k] as number) + 1e-12);
    for (let k = 0; k < n; k++) {
      // moving average of the log amplitude over q points (centred, clipped at the edges)
      let s = 0;
      let c = 0;
      for (let j = k - (this.q >> 1); j <= k + (this.q >> 1); j++) {
        if (j >= 0 && j < n) {
          s += logAmp[j] as number;
          c++;
        }
      }
      const residual = (logAmp[k] as number) - s / c;
      const amp = Math.hypot(re[k] as number, im[k] as number);
      const scale = amp > 0 ? Math.exp(residual) / amp : 0;
      re[k] = (re[k] as number) * scale;
      im[k] = (im[k] as number) * scale;
    }
    fft(re, im, true);
    const sal = (i: number) => Math.hypot(re[i] as number, im[i] as number) / n;
    const last = w - 1 - this.delay;
    let mean = 0;
    for (let i = last - this.local; i < last; i++) mean += sal(i);
    mean /= this.local;
    return mean > 0 ? (sal(last) - mean) / mean : 0;
  }
}

/** In-place radix-2 FFT (inverse unscaled). */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i] as number;
      re[i] = re[j] as number;
      re[j] = tr;
      const ti = im[i] as number;
      im[i] = im[j] as number;
      im[j] = ti;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let j = 0; j < len / 2; j++) {
        const ar = re[i + j] as number;
        const ai = im[i + j] as number;
        const br = (re[i + j + len / 2] as number) * cr - (im[i + j + len / 2] as number) * ci;
        const bi = (re[i + j + len / 2] as number) * ci + (im[i + j + len / 2] as number) * cr;
        re[i + j] = ar + br;
        im[i + j] = ai + bi;
        re[i + j + len / 2] = ar - br;
        im[i + j + len / 2] = ai - bi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}
