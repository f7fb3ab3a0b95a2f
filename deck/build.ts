/**
 * `npm run deck [-- <output.pptx>]`: builds PRESENTATION_DECK.pptx (at the repository root unless a path is given)
 * with pptxgenjs. Screenshots come from docs/screenshots/ (written by the dashboard's e2e tests), every figure from
 * the benchmark result files (deck/figures.ts). Each slide has speaker notes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import PptxGenJS from 'pptxgenjs';
import { figureTables, ROOT, type FigureTable } from './figures.ts';

const INK = '1F2937';
const ACCENT = '2563EB';
const MUTED = '6B7280';
const FONT = 'DejaVu Sans';

type Slide = PptxGenJS.Slide;

/** A slide with a title bar; `notes` are the speaker notes. */
function titled(pptx: PptxGenJS, title: string, notes: string): Slide {
  const slide = pptx.addSlide();
  slide.background = { color: 'FFFFFF' };
  slide.addShape(pptx.ShapeType.rect, { x: 0, y: 0, w: 13.33, h: 0.9, fill: { color: ACCENT } });
  slide.addText(title, { x: 0.4, y: 0.1, w: 12.5, h: 0.7, fontFace: FONT, fontSize: 26, bold: true, color: 'FFFFFF' });
  slide.addNotes(notes);
  return slide;
}

function bullets(slide: Slide, items: string[], box = { x: 0.6, y: 1.2, w: 12.1, h: 5.8 }, fontSize = 20): void {
  slide.addText(
    items.map((text) => ({ text, options: { bullet: true, breakLine: true } })),
    { ...box, fontFace: FONT, fontSize, color: INK, valign: 'top', paraSpaceAfter: 10 },
  );
}

/** A box of the architecture diagram. */
function box(pptx: PptxGenJS, slide: Slide, text: string, x: number, y: number, w: number, h: number, fill = 'DBEAFE') {
  slide.addShape(pptx.ShapeType.roundRect, {
    x,
    y,
    w,
    h,
    rectRadius: 0.1,
    fill: { color: fill },
    line: { color: ACCENT, width: 1.5 },
  });
  slide.addText(text, { x, y, w, h, fontFace: FONT, fontSize: 13, color: INK, align: 'center', valign: 'middle' });
}

/** An arrow from (x1, y1) to (x2, y2), with an optional label at its middle. */
function arrow(pptx: PptxGenJS, slide: Slide, x1: number, y1: number, x2: number, y2: number, label?: string) {
  slide.addShape(pptx.ShapeType.line, {
    x: Math.min(x1, x2),
    y: Math.min(y1, y2),
    w: Math.max(Math.abs(x2 - x1), 0.001),
    h: Math.max(Math.abs(y2 - y1), 0.001),
    flipH: x2 < x1,
    flipV: y2 < y1,
    line: { color: INK, width: 1.5, endArrowType: 'triangle' },
  });
  if (label) {
    slide.addText(label, {
      x: (x1 + x2) / 2 - 1,
      y: (y1 + y2) / 2 - 0.3,
      w: 2,
      h: 0.3,
      fontFace: FONT,
      fontSize: 10,
      color: MUTED,
      align: 'center',
    });
  }
}

function screenshots(pptx: PptxGenJS, title: string, notes: string, shots: { file: string; caption: string }[]) {
  const slide = titled(pptx, title, notes);
  const w = shots.length > 2 ? 4 : 6;
  const gap = (13.33 - w * shots.length) / (shots.length + 1);
  shots.forEach((shot, i) => {
    const file = path.join(ROOT, 'docs/screenshots', shot.file);
    if (!existsSync(file)) throw new Error(`${file} is missing: run the dashboard's e2e tests to take it`);
    const x = gap + i * (w + gap);
    slide.addImage({ path: file, x, y: 1.2, w, h: 5.2, sizing: { type: 'contain', w, h: 5.2 } });
    slide.addText(`${shot.caption} (docs/screenshots/${shot.file})`, {
      x,
      y: 6.5,
      w,
      h: 0.5,
      fontFace: FONT,
      fontSize: 12,
      color: MUTED,
      align: 'center',
    });
  });
}

function figures(pptx: PptxGenJS, table: FigureTable, notes: string) {
  const slide = titled(pptx, table.title, notes);
  const header = table.columns.map((text) => ({
    text,
    options: { bold: true, color: 'FFFFFF', fill: { color: INK } },
  }));
  const rows = table.rows.map((row) => row.map((text) => ({ text })));
  const fontSize = table.rows.length > 6 ? 12 : 14;
  slide.addTable([header, ...rows], {
    x: 0.5,
    y: 1.2,
    w: 12.3,
    fontFace: FONT,
    fontSize,
    color: INK,
    border: { type: 'solid', pt: 0.5, color: 'D1D5DB' },
    autoPage: false,
  });
  slide.addText(`Source: ${table.source} · measured on ${table.measured}`, {
    x: 0.5,
    y: 6.8,
    w: 12.3,
    h: 0.4,
    fontFace: FONT,
    fontSize: 11,
    color: MUTED,
  });
}

export function buildDeck(): PptxGenJS {
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.title = 'hydra';
  pptx.company = 'hydra';
  const [anomaly, forecast, ingest, storage] = figureTables();
  if (!anomaly || !forecast || !ingest || !storage) throw new Error('deck/figures.ts: four tables expected');

  // 1. Title
  const cover = pptx.addSlide();
  cover.background = { color: INK };
  cover.addText('hydra', { x: 0.8, y: 2.2, w: 11, h: 1.4, fontFace: FONT, fontSize: 60, bold: true, color: 'FFFFFF' });
  cover.addText('A metrics pipeline with anomaly detection and forecasting for Kubernetes', {
    x: 0.8,
    y: 3.6,
    w: 11.5,
    h: 0.8,
    fontFace: FONT,
    fontSize: 24,
    color: 'BFDBFE',
  });
  cover.addText('Every screenshot and figure in this deck is generated from the repository: npm run deck', {
    x: 0.8,
    y: 5.6,
    w: 11.5,
    h: 0.5,
    fontFace: FONT,
    fontSize: 14,
    color: '9CA3AF',
  });
  cover.addNotes(
    'hydra collects metrics from Kubernetes workloads, stores them in PostgreSQL, finds anomalies and forecasts ' +
      'where each series is heading, and raises alerts before a threshold is crossed. This deck is built by ' +
      '`npm run deck`: the screenshots are the ones the browser tests take, and the numbers are read from the ' +
      'benchmark result files, so nothing here is typed by hand.',
  );

  // 2. Problem
  bullets(
    titled(
      pptx,
      'The problem',
      'Static thresholds either page too often or too late. Seasonality (daily load) makes a fixed limit wrong for ' +
        'part of the day, and a disk that fills slowly is only noticed when it is full. Teams want the signals ' +
        'they already export, judged against their own history, with a forecast of when a limit will be crossed.',
    ),
    [
      'Static alert thresholds page on every daily peak, or stay silent until it is too late',
      'Slow trends (a disk filling, a leak) are seen when the limit is hit, not days before',
      'Anomaly detection and forecasting usually mean a separate data platform next to Prometheus',
      'Platform teams want it declared per workload, in Kubernetes, with the tools they already run',
      'hydra: ingest the metrics you export, learn each series, alert on anomalies and forecast crossings',
    ],
  );

  // 3. What hydra does
  bullets(
    titled(
      pptx,
      'What hydra does',
      'One TypeScript code base, several deployables. The collector accepts OTLP and Prometheus remote-write; ' +
        'storage is PostgreSQL, optionally TimescaleDB; analysis jobs score anomalies and forecast; alerts go to the ' +
        'dashboard, Alertmanager and webhooks; Prometheus and Grafana can read everything back.',
    ),
    [
      'Collect: OTLP (HTTP and gRPC) and Prometheus remote-write into one schema',
      'Store: PostgreSQL with rollups, TimescaleDB hypertables and compression when present, PGlite for a laptop',
      'Detect: z-score, MAD, seasonal, level-shift and isolation-forest detectors, combined in an ensemble',
      'Forecast: seasonal naive, Holt-Winters, ETS, ARIMA, Theta, MSTL and an automatic choice per series',
      'Alert: anomaly episodes and forecast threshold crossings, acknowledge and silence, Alertmanager, webhooks',
      'Operate: a Kubernetes operator with the HydraMonitor custom resource, a Helm chart, Grafana dashboards',
    ],
  );

  // 4. Architecture diagram
  const arch = titled(
    pptx,
    'Architecture',
    'Left to right is the data path. Workloads send OTLP or remote-write to the collectors, which batch into ' +
      'PostgreSQL or TimescaleDB. Analysis jobs read the stored series and write anomaly scores and forecasts back; ' +
      'the alert engine turns them into alerts that reach the dashboard, Alertmanager and webhooks. Prometheus ' +
      'scrapes hydra’s exports and Grafana reads them. Below: the operator watches HydraMonitor resources and ' +
      'creates the collectors and the analysis CronJobs.',
  );
  box(pptx, arch, 'Workloads\nOTLP · remote-write', 0.3, 1.5, 2.0, 1.0, 'F3F4F6');
  box(pptx, arch, 'Collectors\n(batching, registry)', 2.9, 1.5, 2.0, 1.0);
  box(pptx, arch, 'PostgreSQL /\nTimescaleDB\nraw + rollups', 5.5, 1.4, 2.1, 1.2, 'FEF3C7');
  box(pptx, arch, 'Analysis jobs\nanomaly · forecast', 8.3, 1.5, 2.1, 1.0);
  box(pptx, arch, 'Alerts', 11.0, 1.5, 2.0, 1.0, 'FEE2E2');
  box(pptx, arch, 'Dashboard\n(API)', 11.0, 3.2, 2.0, 0.8, 'DCFCE7');
  box(pptx, arch, 'Alertmanager', 11.0, 4.3, 2.0, 0.6, 'DCFCE7');
  box(pptx, arch, 'Webhooks', 11.0, 5.2, 2.0, 0.6, 'DCFCE7');
  box(pptx, arch, 'Prometheus → Grafana\n(read the exports)', 5.3, 3.4, 2.5, 1.0, 'F3F4F6');
  box(pptx, arch, 'Operator', 2.9, 5.2, 2.0, 0.8, 'EDE9FE');
  box(pptx, arch, 'HydraMonitor\nCRD', 0.3, 5.2, 2.0, 0.8, 'EDE9FE');
  box(pptx, arch, 'CronJobs\n(analysis)', 8.3, 5.2, 2.1, 0.8, 'EDE9FE');
  arrow(pptx, arch, 2.3, 2.0, 2.9, 2.0);
  arrow(pptx, arch, 4.9, 2.0, 5.5, 2.0, 'COPY');
  arrow(pptx, arch, 7.6, 1.8, 8.3, 1.8, 'read');
  arrow(pptx, arch, 8.3, 2.3, 7.6, 2.3, 'scores');
  arrow(pptx, arch, 10.4, 2.0, 11.0, 2.0);
  arrow(pptx, arch, 12.0, 2.5, 12.0, 3.2);
  arrow(pptx, arch, 11.0, 2.4, 11.0, 4.6);
  arrow(pptx, arch, 11.0, 2.4, 11.0, 5.5);
  arrow(pptx, arch, 6.55, 2.6, 6.55, 3.4, '/metrics');
  arrow(pptx, arch, 2.3, 5.6, 2.9, 5.6, 'watch');
  arrow(pptx, arch, 3.9, 5.2, 3.9, 2.5, 'creates');
  arrow(pptx, arch, 4.9, 5.6, 8.3, 5.6, 'creates');
  arrow(pptx, arch, 9.35, 5.2, 9.35, 2.5, 'runs');

  // 5. Data path
  bullets(
    titled(
      pptx,
      'The data path of one point',
      'Follow one CPU sample: it is exported by the OpenTelemetry SDK, received by the collector, its series is ' +
        'registered once, and the point is written in batches with binary COPY. Rollups keep long ranges cheap. ' +
        'The analysis reads a window, scores it and writes episodes and forecasts that alerts and the dashboard use.',
    ),
    [
      'Export: OpenTelemetry SDK (OTLP HTTP/gRPC) or Prometheus remote-write',
      'Receive: the collector decodes, validates, registers the series once, acknowledges after COMMIT',
      'Write: batches through binary COPY into PostgreSQL; TimescaleDB hypertables and compression when available',
      'Roll up: 1-minute and coarser rollups so a week of a series or a thousand series answer from the rollups',
      'Analyse: per series, anomaly scores with bands and episodes; forecasts with 95 % intervals',
      'Alert: an anomaly episode or a forecast crossing its threshold becomes an alert (acknowledge, silence)',
      'Read: dashboard and API, Prometheus exports, Grafana dashboards, Alertmanager and webhooks',
    ],
  );

  // 6-8. Screenshots
  screenshots(
    pptx,
    'The dashboard: the fleet and one host',
    'These are the screenshots the dashboard’s browser tests take against a running hydra up. The fleet view ' +
      'lists every host with its state; the details page shows a series with its expected band, the anomaly ' +
      'episodes and the forecast with its interval.',
    [
      { file: 'dashboard.png', caption: 'Fleet view' },
      { file: 'details.png', caption: 'Host details: bands, episodes, forecast' },
    ],
  );
  screenshots(
    pptx,
    'Alerts and the explorer',
    'The alerts page lists anomaly and forecast alerts with acknowledge and silence. The explorer queries any ' +
      'stored metric by name and labels.',
    [
      { file: 'alerts.png', caption: 'Alerts: acknowledge and silence' },
      { file: 'explorer.png', caption: 'Explorer' },
    ],
  );
  screenshots(
    pptx,
    'Monitors, dark mode, phone',
    'The monitors page shows the HydraMonitor resources the operator reconciles. The dashboard also has a dark ' +
      'theme and works on a phone; the browser tests take these at phone size too.',
    [
      { file: 'monitors.png', caption: 'Monitors' },
      { file: 'dashboard-dark.png', caption: 'Dark theme' },
      { file: 'details-phone.png', caption: 'Details on a phone' },
    ],
  );

  // 9-12. Figures
  figures(
    pptx,
    anomaly,
    'Detector quality with the Numenta Anomaly Benchmark scorer, standard profile, on a labelled synthetic corpus ' +
      'and on real labelled cloud monitoring series. The score is at the detectors’ own threshold of 0.5; ' +
      'higher is better. False alarms are points flagged outside every labelled window, per thousand scored ' +
      'points. The rows are read from the benchmark file named at the bottom.',
  );
  figures(
    pptx,
    forecast,
    'Forecast accuracy on held-out data for the six suites (“-s24”: the periods `hydra forecast --season 24` uses): hydra’s automatic choice against the seasonal ' +
      'naive baseline. Lower sMAPE, MASE and OWA are better; OWA is relative to Naive2 (below 1 beats it). ' +
      'Coverage is the share of held-out points inside the 95 % interval. Read from bench/forecast/results.',
  );
  figures(
    pptx,
    ingest,
    'Ingest: real HTTP requests through the collector into PostgreSQL, acknowledged after COMMIT, against raw ' +
      'binary COPY into the same schema as the ceiling. The ratio is how much of the ceiling the full path ' +
      'reaches. Read from the newest ingest result file.',
  );
  figures(
    pptx,
    storage,
    'The same 7-day workload on the three storage backends: ingest through the batch writer, bytes per point on ' +
      'disk (and compressed on TimescaleDB), and the two dashboard queries: one series over 7 days and 1,000 ' +
      'series at once, both answered from rollups.',
  );

  // 13. Install
  const install = titled(
    pptx,
    'Install it: three ways',
    'Node alone runs everything in one process on the embedded PGlite with a demo workload. Docker Compose runs ' +
      'TimescaleDB, collector, API, dashboard, Prometheus, Grafana and Alertmanager. The Helm chart installs the ' +
      'operator and hydra into a cluster; HydraMonitor resources then declare what to watch.',
  );
  const ways: [string, string, string][] = [
    ['Node 20 only', 'npm ci && npm start', 'hydra up: everything in one process, PGlite in .hydra/, demo workload'],
    [
      'Docker Compose',
      'docker compose up -d --build',
      'TimescaleDB, collector, API, dashboard, Prometheus :9090, Grafana :3001, Alertmanager :9093',
    ],
    [
      'Kubernetes (Helm)',
      'helm install hydra charts/hydra -n hydra --create-namespace',
      'operator + HydraMonitor CRD; kubectl -n hydra get hmon',
    ],
  ];
  ways.forEach(([name, command, what], i) => {
    const y = 1.3 + i * 1.8;
    install.addText(name, { x: 0.6, y, w: 3, h: 0.5, fontFace: FONT, fontSize: 20, bold: true, color: ACCENT });
    install.addText(command, {
      x: 0.6,
      y: y + 0.55,
      w: 12,
      h: 0.5,
      fontFace: 'DejaVu Sans Mono',
      fontSize: 16,
      color: INK,
      fill: { color: 'F3F4F6' },
    });
    install.addText(what, { x: 0.6, y: y + 1.1, w: 12, h: 0.4, fontFace: FONT, fontSize: 14, color: MUTED });
  });

  // 14. What is next
  bullets(
    titled(
      pptx,
      'What is next (the open issues)',
      'Honest status: these are the open issues of the project. The detectors and forecasts are measured, but on ' +
        'real data the forecasts do not yet beat every classical benchmark; TimescaleDB mode and real-cluster runs ' +
        'need more exercise; the demo video is still to be made.',
    ),
    [
      'Anomaly detection that holds up on real production metrics (#12)',
      'Forecasts that beat the classical statistical benchmarks on real data (#13)',
      'TimescaleDB mode, run for real and used to the full (#14)',
      'hydra in real containers and on a real Kubernetes node (#15)',
      'The demo video, generated from the running system like this deck (#16)',
      'Dashboard, command line, metrics and docs that an SRE trusts (#17)',
      'A Kubernetes model that fits how platform teams run clusters (#18)',
      'One home per concern in the code; performance on par with Prometheus where users compare (#20, #21)',
    ],
    undefined,
    18,
  );

  // 15. Close
  bullets(
    titled(
      pptx,
      'Try it',
      'Everything shown here is reproducible from the repository: the README has the three installs, ' +
        'bench/README.md has every figure with its machine and date, and npm run deck rebuilds this deck.',
    ),
    [
      'README.md: run it, install it, test it',
      'docs/architecture.md, docs/anomaly-detection.md, docs/forecasting.md, docs/operator.md',
      'bench/README.md: every figure with its machine, date and baseline',
      'npm run deck: rebuilds this deck from the screenshots and the benchmark files',
    ],
  );
  return pptx;
}

async function main(): Promise<void> {
  const output = path.resolve(process.argv[2] ?? path.join(ROOT, 'PRESENTATION_DECK.pptx'));
  const written = await buildDeck().writeFile({ fileName: output });
  console.log(`wrote ${written}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  await main();
}
