/**
 * A bare `node:http` server that does the least a Milvus-speaking service can do per request, as
 * the benchmarks' reference for what HTTP itself costs on the machine:
 *
 * - `entities/search`: parses the JSON body and searches the first query vector in a usearch
 *   `view()` of a saved index file (one view per ef, as the in-process baseline), answering the
 *   hits in Milvus's envelope;
 * - `entities/insert`: parses the JSON body and acknowledges its rows without storing anything.
 *
 * No validation, no routing library, no logging, no metrics: the gap between this server and the
 * in-process index is the price of one HTTP round trip with JSON bodies, which no server
 * answering one query per request can avoid.
 *
 * Run as a child process (bench/http-floor.ts): `node --import tsx http-floor-server.ts
 * [index-file dim M efConstruction]`. It listens on an ephemeral loopback port and prints
 * `{"port":N}` on its first stdout line.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Index } from 'usearch';
import { viewIndex } from './raw-usearch.ts';

interface IndexFile {
  path: string;
  dim: number;
  M: number;
  efConstruction: number;
}

function parseArgs(argv: string[]): IndexFile | null {
  if (argv.length === 0) return null;
  const [path, dim, M, efConstruction] = argv;
  const n = (s: string | undefined, name: string) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1) throw new Error(`http-floor-server: ${name} must be a positive integer, got ${s}`);
    return v;
  };
  return { path, dim: n(dim, 'dim'), M: n(M, 'M'), efConstruction: n(efConstruction, 'efConstruction') };
}

/** Views of the index file by ef: the binding fixes expansion_search per Index instance. */
function viewsOf(file: IndexFile): (ef: number) => Index {
  const views = new Map<number, Index>();
  const hnsw = { M: file.M, efConstruction: file.efConstruction };
  return (ef) => {
    let view = views.get(ef);
    if (!view) {
      view = viewIndex(file.path, file.dim, hnsw, ef);
      views.set(ef, view);
    }
    return view;
  };
}

interface SearchBody {
  data: number[][];
  limit?: number;
  searchParams?: { params?: { ef?: number } };
}

function search(body: SearchBody, view: ((ef: number) => Index) | null): unknown {
  if (!view) return { code: 1100, message: 'this server holds no index' };
  const limit = body.limit ?? 10;
  const index = view(body.searchParams?.params?.ef ?? 64);
  const hits = index.search(Float32Array.from(body.data[0]), limit, 1);
  const data = [];
  for (let i = 0; i < hits.keys.length; i++) data.push({ id: Number(hits.keys[i]), distance: hits.distances[i] });
  return { code: 0, cost: 0, data };
}

function reply(res: ServerResponse, envelope: unknown): void {
  const text = JSON.stringify(envelope);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function main(): void {
  const file = parseArgs(process.argv.slice(2));
  const view = file ? viewsOf(file) : null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SearchBody & { data: unknown[] };
        if (req.url?.endsWith('/entities/search')) reply(res, search(body, view));
        else if (req.url?.endsWith('/entities/insert')) reply(res, { code: 0, data: { insertCount: body.data.length } });
        else reply(res, { code: 1100, message: `not served here: ${req.url}` });
      } catch (err) {
        reply(res, { code: 1100, message: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main();
