/** The operator's HTTP endpoints: /metrics (Prometheus text), /healthz (alive), /readyz (caches synced). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProbeServerOptions {
  host: string;
  port: number;
  metrics: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** Undefined when ready, else the reason it is not. */
  notReady: () => string | undefined;
}

export interface ProbeServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the server; rejects naming the address when it cannot listen. */
export function startProbeServer(o: ProbeServerOptions): Promise<ProbeServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
    } else if (path === '/metrics') {
      o.metrics(req, res);
    } else if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const reason = o.notReady();
      res
        .writeHead(reason ? 503 : 200, { 'Content-Type': 'text/plain' })
        .end(reason ? `not ready: ${reason}\n` : 'ok\n');
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(new Error(`operator HTTP server: cannot listen on ${o.host}:${o.port}: ${err.message}`)),
    );
    server.listen(o.port, o.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = o.host.includes(':') ? `[${o.host}]` : o.host;
      resolve({
        url: `http://${host}:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
