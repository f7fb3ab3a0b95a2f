/**
 * The ingest benchmark's load generator, run as its own process so that it does
 * not share an event loop with the collector. Reads length-prefixed protobuf
 * bodies from a file, POSTs them to /v1/metrics over keep-alive connections with
 * a fixed concurrency, retries 429/503 after Retry-After as OTLP exporters do,
 * and reports through IPC (or stdout) how many requests were acknowledged.
 *
 * usage: tsx bench/ingest/sender.ts <bodies-file> <url> <concurrency>
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';

export interface SenderReport {
  requests: number;
  acknowledged: number;
  retries: number;
  failures: number;
  elapsedMs: number;
  /** CPU time (user + system) this sender process spent while sending, in ms. */
  cpuMs: number;
  firstError?: string;
}

const MAX_RETRIES = 20;

export function readBodies(file: string): Buffer[] {
  const all = readFileSync(file);
  const bodies: Buffer[] = [];
  for (let off = 0; off < all.length;) {
    const len = all.readUInt32LE(off);
    bodies.push(all.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return bodies;
}

function post(
  agent: http.Agent,
  url: URL,
  body: Buffer,
): Promise<{ status: number; retryAfter: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Number(res.headers['retry-after'] ?? 1),
            text: Buffer.concat(chunks).toString('utf8').slice(0, 300),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function send(bodies: Buffer[], target: string, concurrency: number): Promise<SenderReport> {
  const url = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const report: SenderReport = {
    requests: bodies.length,
    acknowledged: 0,
    retries: 0,
    failures: 0,
    elapsedMs: 0,
    cpuMs: 0,
  };
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  async function lane(): Promise<void> {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (let attempt = 0; ; attempt++) {
        const res = await post(agent, url, body);
        if (res.status === 200) {
          report.acknowledged++;
          break;
        }
        if ((res.status === 429 || res.status === 503) && attempt < MAX_RETRIES) {
          report.retries++;
          await new Promise((r) => setTimeout(r, Math.min(res.retryAfter, 2) * 1000));
          continue;
        }
        report.failures++;
        report.firstError ??= `HTTP ${res.status}: ${res.text}`;
        break;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  report.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  report.cpuMs = (cpu.user + cpu.system) / 1000;
  agent.destroy();
  return report;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, target, concurrency] = process.argv.slice(2);
  if (!file || !target) {
    console.error('usage: sender.ts <bodies-file> <url> <concurrency>');
    process.exit(2);
  }
  const bodies = readBodies(file);
  // Wait for the parent's go, so process start-up is not timed.
  const go = new Promise<void>((resolve) => (process.send ? process.once('message', () => resolve()) : resolve()));
  process.send?.({ ready: true });
  await go;
  const report = await send(bodies, target, Number(concurrency ?? 8));
  if (process.send) process.send({ report });
  else console.log(JSON.stringify(report));
  process.disconnect?.();
}
