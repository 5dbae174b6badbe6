/**
 * `quiver status [--url] [--json]`: collections, shards, segments, lag and processes. Reads the
 * server's `GET /v2/quiver/status` document; against a server without it, builds what the
 * Milvus endpoints tell (databases/list, collections/list, describe, get_stats,
 * get_load_state) and prints "n/a" for the rest.
 */
import { statusSchema, type QuiverStatus } from '../shared/ops/status-schema.ts';
import { describedCollectionSchema, MilvusClient } from './milvus-client.ts';
import { ago, formatBytes, renderTable, type Cell } from './table.ts';
import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs, serverUrl, stringFlag, UsageError } from './usage.ts';

export const STATUS_HELP = `usage: quiver status [options]

Prints tables of collections, shards, segments and processes as the server reports them
(GET /v2/quiver/status), or what the Milvus endpoints tell when the server has no status endpoint.

options:
${CONNECTION_HELP}  --json           print the status document as JSON instead of tables
  --segments       also list every segment
  -h, --help       this text
`;

/** What the Milvus endpoints tell about one collection, when the status endpoint is missing. */
export interface BasicCollection {
  db: string;
  name: string;
  id: number | null;
  shards: number | null;
  loadState: string | null;
  rows: number | null;
}

export async function runStatus(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS,
    json: { type: 'boolean' },
    segments: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(STATUS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const client = new MilvusClient({
    url: serverUrl(stringFlag(values, 'url', process.env.QUIVER_URL)),
    db: stringFlag(values, 'db'),
    token: stringFlag(values, 'token', process.env.QUIVER_TOKEN),
    attempts: 3,
  });
  const full = await fetchStatus(client);
  if (full) {
    if (values.json) process.stdout.write(`${JSON.stringify(full, null, 2)}\n`);
    else process.stdout.write(renderFull(full, values.segments === true));
    return 0;
  }
  const basic = await basicStatus(client, stringFlag(values, 'db'));
  if (values.json) process.stdout.write(`${JSON.stringify({ source: 'milvus-endpoints', collections: basic }, null, 2)}\n`);
  else process.stdout.write(renderBasic(basic));
  return 0;
}

/** The server's status document, or null when it has no (valid) status endpoint. */
export async function fetchStatus(client: MilvusClient): Promise<QuiverStatus | null> {
  let body: unknown;
  try {
    body = await client.getJson('/v2/quiver/status');
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object') return null;
  const envelope = body as { code?: unknown; data?: unknown };
  const doc = 'data' in envelope && envelope.code === 0 ? envelope.data : body;
  const parsed = statusSchema.safeParse(doc);
  return parsed.success ? parsed.data : null;
}

function renderFull(s: QuiverStatus, withSegments: boolean): string {
  const collections: Cell[][] = [];
  const shards: Cell[][] = [];
  const segments: Cell[][] = [];
  for (const db of s.databases) {
    for (const c of db.collections) {
      const segs = c.shards.flatMap((sh) => sh.segments);
      collections.push([db.name, c.name, c.id, c.shardsNum, c.loadState.replace(/^LoadState/, ''), c.liveRows, c.storedRows,
        segs.length, formatBytes(segs.reduce((a, x) => a + x.bytes, 0)), c.lag]);
      for (const sh of c.shards) {
        shards.push([`${db.name}.${c.name}`, sh.shard, sh.epoch, sh.checkpoint, sh.logEndOffset, sh.lag, sh.segments.length,
          sh.segments.reduce((a, x) => a + x.rows, 0), formatBytes(sh.segments.reduce((a, x) => a + x.bytes, 0)),
          sh.owner ? `${sh.owner.processId} (${sh.owner.state})` : null, ago(sh.updatedAt, s.generatedAt)]);
        for (const seg of sh.segments) {
          segments.push([`${db.name}.${c.name}`, sh.shard, seg.id, seg.kind, seg.rows, seg.tombstones, formatBytes(seg.bytes), `${seg.lsnMin}-${seg.lsnMax}`]);
        }
      }
    }
  }
  const processes = s.processes.map((p): Cell[] => [p.id, p.role, p.host, p.pid, p.address || '-', p.version, ago(p.lastHeartbeat, s.generatedAt)]);
  let out = 'collections\n' + renderTable(['db', 'collection', 'id', 'shards', 'load', 'live rows', 'stored rows', 'segments', 'bytes', 'lag'], collections);
  out += '\nshards\n' + renderTable(['collection', 'shard', 'epoch', 'checkpoint', 'end offset', 'lag', 'segments', 'rows', 'bytes', 'owner', 'updated'], shards);
  if (withSegments) out += '\nsegments\n' + renderTable(['collection', 'shard', 'segment', 'kind', 'rows', 'tombstones', 'bytes', 'lsn'], segments);
  out += '\nprocesses\n' + renderTable(['id', 'role', 'host', 'pid', 'address', 'version', 'heartbeat'], processes);
  return out;
}

/** Collections as the Milvus endpoints describe them; a failing detail stays null ("n/a"). */
export async function basicStatus(client: MilvusClient, onlyDb: string | undefined): Promise<BasicCollection[]> {
  const dbs = onlyDb !== undefined ? [onlyDb] : await client.post('databases/list', {}).then(
    (d) => ((d as { dbNames?: string[] } | undefined)?.dbNames ?? ['default']),
    () => ['default'],
  );
  const out: BasicCollection[] = [];
  for (const db of dbs) {
    const names = (await client.post('collections/list', { dbName: db })) as string[];
    for (const name of names ?? []) {
      const row: BasicCollection = { db, name, id: null, shards: null, loadState: null, rows: null };
      await client.post('collections/describe', { dbName: db, collectionName: name }).then((d) => {
        const parsed = describedCollectionSchema.safeParse(d);
        if (!parsed.success) return;
        row.id = parsed.data.collectionID ?? null;
        row.shards = parsed.data.shardsNum ?? null;
      }, () => undefined);
      await client.post('collections/get_stats', { dbName: db, collectionName: name }).then(
        (d) => (row.rows = Number((d as { rowCount?: unknown }).rowCount ?? NaN)),
        () => undefined,
      );
      await client.post('collections/get_load_state', { dbName: db, collectionName: name }).then(
        (d) => (row.loadState = String((d as { loadState?: unknown }).loadState ?? '')),
        () => undefined,
      );
      out.push(row);
    }
  }
  return out;
}

/** Tables of the fallback status. */
export function renderBasic(rows: BasicCollection[]): string {
  const table = rows.map((c): Cell[] => [c.db, c.name, c.id, c.shards, c.loadState?.replace(/^LoadState/, ''), c.rows, null, null, null]);
  return (
    'collections (the server has no /v2/quiver/status: shard, segment and lag details are n/a)\n' +
    renderTable(['db', 'collection', 'id', 'shards', 'load', 'rows', 'segments', 'bytes', 'lag'], table) +
    '\nprocesses\nn/a\n'
  );
}
