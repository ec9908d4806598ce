/**
 * Serves the built site (dist/) over HTTP on localhost: a small static server, GET and HEAD only,
 * no directory listings, nothing outside the folder.
 *
 *   node --import tsx apps/playground/serve.ts [dir] [--port 8080]
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT } from './build.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.ffnn': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface Served {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts serving `dir` on `port` (0: any free port) at 127.0.0.1. */
export function serveSite(dir: string = DEFAULT_OUT, port = 0, host = '127.0.0.1'): Promise<Served> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    let size = -1;
    try {
      if (file === root || file.startsWith(root + sep)) {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      }
    } catch {
      size = -1;
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      ok({ url: `http://${host}:${address.port}/`, server, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const p = args.indexOf('--port');
  const port = p >= 0 ? Number(args[p + 1]) : Number(process.env.PORT ?? 8080);
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--port') ?? DEFAULT_OUT;
  const { url } = await serveSite(dir, port);
  console.log(`playground: serving ${resolve(dir)} at ${url} (Ctrl-C stops)`);
}
