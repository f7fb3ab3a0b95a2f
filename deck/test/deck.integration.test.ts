/**
 * `npm run deck` builds a deck that LibreOffice opens: one PDF page per slide, a rendered page that is not blank,
 * speaker notes on every slide, and every figure on the figure slides equal (to its displayed precision) to the
 * number in the benchmark file it came from. The expected numbers are read here from the bench files directly,
 * not through deck/figures.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface SlideText {
  /** Every text run of the slide, in document order (the first is the title). */
  texts: string[];
  /** Each table as rows of cell texts. */
  tables: string[][][];
  notes: string;
}

const decode = (xml: string): string =>
  xml
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The text of each paragraph (`<a:p>`) in a piece of DrawingML. */
function paragraphs(xml: string): string[] {
  return [...xml.matchAll(/<a:p>([\s\S]*?)<\/a:p>/g)]
    .map((p) => [...p[1]!.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((t) => decode(t[1]!)).join(''))
    .filter((text) => text.length > 0);
}

async function readSlides(file: string): Promise<SlideText[]> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const count = Object.keys(zip.files).filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name)).length;
  const slides: SlideText[] = [];
  for (let i = 1; i <= count; i++) {
    const xml = await zip.file(`ppt/slides/slide${i}.xml`)!.async('string');
    const rels = await zip.file(`ppt/slides/_rels/slide${i}.xml.rels`)!.async('string');
    const notesTarget = /Target="\.\.\/notesSlides\/(notesSlide\d+\.xml)"/.exec(rels)?.[1];
    const notesXml = notesTarget ? await zip.file(`ppt/notesSlides/${notesTarget}`)!.async('string') : '';
    const tables = [...xml.matchAll(/<a:tbl>([\s\S]*?)<\/a:tbl>/g)].map((tbl) =>
      [...tbl[1]!.matchAll(/<a:tr[ >]([\s\S]*?)<\/a:tr>/g)].map((tr) =>
        [...tr[1]!.matchAll(/<a:tc[ >]([\s\S]*?)<\/a:tc>/g)].map((tc) => paragraphs(tc[1]!).join(' ')),
      ),
    );
    slides.push({ texts: paragraphs(xml), tables, notes: paragraphs(notesXml).join(' ') });
  }
  return slides;
}

const bench = <T>(relative: string): T => JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8')) as T;

/** A displayed cell equals `expected` to the precision it shows ("n/a" for a missing value). */
function expectFigure(cell: string, expected: number | null | undefined, where: string): void {
  if (expected === null || expected === undefined) {
    expect(cell, where).toBe('n/a');
    return;
  }
  expect(cell, where).toMatch(/^-?[\d,]+(\.\d+)?$/);
  const decimals = cell.split('.')[1]?.length ?? 0;
  const shown = Number(cell.replace(/,/g, ''));
  expect(Math.abs(shown - expected), `${where}: ${cell} vs ${expected}`).toBeLessThanOrEqual(
    0.5 * 10 ** -decimals + 1e-9,
  );
}

/** The one table on the slide whose title starts with `title`, without its header row. */
function tableOf(slides: SlideText[], title: string): { rows: string[][]; slide: SlideText } {
  const slide = slides.find((s) => s.texts[0]?.startsWith(title));
  expect(slide, `a slide titled "${title}"`).toBeDefined();
  expect(slide!.tables).toHaveLength(1);
  return { rows: slide!.tables[0]!.slice(1), slide: slide! };
}

describe('npm run deck', () => {
  let dir: string;
  let deck: string;
  let pdf: string;
  let slides: SlideText[];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hydra-deck-'));
    deck = path.join(dir, 'deck.pptx');
    execFileSync(TSX, [path.join(ROOT, 'deck/build.ts'), deck], { cwd: ROOT, stdio: 'pipe' });
    // A profile of its own, so a LibreOffice already running for the user does not take the job.
    execFileSync(
      'soffice',
      [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, deck],
      { stdio: 'pipe', timeout: 120_000 },
    );
    pdf = path.join(dir, 'deck.pdf');
    slides = await readSlides(deck);
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has 12 to 18 slides, each with a title and speaker notes, and LibreOffice renders one page per slide', () => {
    expect(slides.length).toBeGreaterThanOrEqual(12);
    expect(slides.length).toBeLessThanOrEqual(18);
    for (const [i, slide] of slides.entries()) {
      expect(slide.texts[0], `slide ${i + 1} title`).toBeTruthy();
      expect(slide.notes.length, `slide ${i + 1} notes`).toBeGreaterThan(40);
    }
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBe(slides.length);
  });

  it('renders the architecture diagram as a page that is not blank', () => {
    const page = slides.findIndex((s) => s.texts[0] === 'Architecture') + 1;
    expect(page).toBeGreaterThan(0);
    const prefix = path.join(dir, 'page');
    execFileSync('pdftoppm', ['-r', '30', '-f', String(page), '-l', String(page), '-singlefile', pdf, prefix]);
    // PPM (P6): a text header "P6 width height maxval" then RGB bytes.
    const ppm = readFileSync(`${prefix}.ppm`);
    const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 50).toString('latin1'));
    expect(header).not.toBeNull();
    const [width, height] = [Number(header![1]), Number(header![2])];
    const pixels = ppm.subarray(header![0].length);
    expect(pixels.length).toBe(width * height * 3);
    let ink = 0;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 3) {
      const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
      if (r + g + b < 600) ink++;
      colours.add((r << 16) | (g << 8) | b);
    }
    // The title bar alone is ~12 % of the page; the boxes, arrows and labels add more and many colours.
    expect(ink / (width * height)).toBeGreaterThan(0.15);
    expect(colours.size).toBeGreaterThan(50);
  });

  it('shows the anomaly detectors’ figures of bench/anomaly/results.json', () => {
    interface Corpus {
      atDefault: { score: number };
      fpPer1000: number;
    }
    const data = bench<{ results: { detector: string; synthetic: Corpus; real?: Corpus }[] }>(
      'bench/anomaly/results.json',
    );
    const { rows } = tableOf(slides, 'Anomaly detection quality');
    expect(rows.map((r) => r[0])).toEqual(data.results.map((r) => r.detector));
    for (const [i, r] of data.results.entries()) {
      const expected = [r.synthetic.atDefault.score, r.synthetic.fpPer1000, r.real?.atDefault.score, r.real?.fpPer1000];
      expect(rows[i]).toHaveLength(1 + expected.length);
      expected.forEach((value, c) => expectFigure(rows[i]![c + 1]!, value, `${r.detector} column ${c + 1}`));
    }
  });

  it('shows the forecast figures of bench/forecast/results/*.json', () => {
    interface Row {
      model: string;
      smape: number;
      mase: number;
      owa: number;
      coverage95: number;
    }
    const { rows } = tableOf(slides, 'Forecast quality');
    expect(rows.length).toBeGreaterThan(0);
    const suites = new Set<string>();
    for (const row of rows) {
      const [suite, series, model, ...cells] = row;
      suites.add(suite!);
      const data = bench<{ series: number; rows: Row[] }>(`bench/forecast/results/${suite}.json`);
      const found = data.rows.find((r) => r.model === model);
      expect(found, `${suite} ${model}`).toBeDefined();
      expectFigure(series!, data.series, `${suite} series`);
      const expected = [found!.smape, found!.mase, found!.owa, found!.coverage95];
      expect(cells).toHaveLength(expected.length);
      expected.forEach((value, c) => expectFigure(cells[c]!, value, `${suite} ${model} column ${c + 3}`));
    }
    expect([...suites].sort()).toEqual(
      readdirSync(path.join(ROOT, 'bench/forecast/results'))
        .map((f) => f.replace(/\.json$/, ''))
        .sort(),
    );
  });

  it('shows the newest ingest run of bench/ingest/results', () => {
    const { rows, slide } = tableOf(slides, 'Ingest throughput');
    const newest = readdirSync(path.join(ROOT, 'bench/ingest/results'))
      .filter((f) => !f.includes('-before') && 'summary' in bench<object>(`bench/ingest/results/${f}`))
      .sort()
      .at(-1);
    const source = `bench/ingest/results/${newest}`;
    expect(slide.texts.some((t) => t.includes(`Source: ${source}`))).toBe(true);
    const summary = bench<{ summary: Record<string, number> }>(source).summary;
    const byLabel: Record<string, number | undefined> = {
      'end-to-end points/s': summary.endToEndPointsPerSecond,
      'raw binary COPY rows/s': summary.rawRowsPerSecond,
      'end-to-end / raw COPY': summary.ratio,
      'collector CPU µs per point': summary.collectorCpuUsPerPoint,
    };
    expect(rows).toHaveLength(Object.keys(byLabel).length);
    for (const [label, value] of rows) {
      const key = Object.keys(byLabel).find((k) => label!.startsWith(k));
      expect(key, label).toBeDefined();
      expectFigure(value!, byLabel[key!], label!);
    }
  });

  it('shows the storage backends of bench/storage/results.json', () => {
    interface Report {
      backend: string;
      points: number;
      ingestPointsPerSecond: number;
      bytesPerPoint: number;
      bytesPerPointCompressed: number | null;
      longQueryMs: number;
      wideQueryMs: number;
    }
    const data = bench<{ reports: Report[] }>('bench/storage/results.json');
    const { rows } = tableOf(slides, 'Storage and query');
    expect(rows.map((r) => r[0])).toEqual(data.reports.map((r) => r.backend));
    for (const [i, r] of data.reports.entries()) {
      const expected = [
        r.points,
        r.ingestPointsPerSecond,
        r.bytesPerPoint,
        r.bytesPerPointCompressed,
        r.longQueryMs,
        r.wideQueryMs,
      ];
      expect(rows[i]).toHaveLength(1 + expected.length);
      expected.forEach((value, c) => expectFigure(rows[i]![c + 1]!, value, `${r.backend} column ${c + 1}`));
    }
  });
});
