/**
 * Fashion-MNIST from Debian's `dataset-fashion-mnist` package, which ships the original IDX files
 * (gzip) under /usr/share/datasets/fashion-mnist: 60,000 training images as stored vectors and the
 * 10,000 test images as queries, each 28 × 28 grey levels (0–255) as a 784-d float vector, L2.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { installDeb } from '../python-env.ts';

/** The Debian package and where it puts the files. */
export const FASHION_MNIST_PACKAGE = 'dataset-fashion-mnist';
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_DIM = 784;

/** Parses an IDX image file (magic 0x00000803) into float vectors, at most `limit` of them. */
export function parseIdxImages(buf: Uint8Array, limit = Infinity): { vectors: Float32Array; count: number; dim: number } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(0) !== 0x00000803) throw new Error(`not an IDX image file (magic ${view.getUint32(0).toString(16)})`);
  const total = view.getUint32(4);
  const dim = view.getUint32(8) * view.getUint32(12);
  const count = Math.min(total, limit);
  if (buf.byteLength < 16 + total * dim) throw new Error('IDX image file is truncated');
  const vectors = new Float32Array(count * dim);
  for (let i = 0; i < vectors.length; i++) vectors[i] = buf[16 + i];
  return { vectors, count, dim };
}

/**
 * Installs the package when missing (apt-get, through sudo when not root) and reads `rows`
 * training images and `queries` test images. Throws with the reason when it cannot.
 */
export async function loadFashionMnist(rows: number, queries: number, log: (s: string) => void): Promise<{ vectors: Float32Array; queries: Float32Array }> {
  const failure = await installDeb(FASHION_MNIST_PACKAGE, log);
  if (failure) throw new Error(failure);
  const read = async (file: string, limit: number) => parseIdxImages(gunzipSync(await readFile(join(FASHION_MNIST_DIR, file))), limit);
  const train = await read('train-images-idx3-ubyte.gz', rows);
  const test = await read('t10k-images-idx3-ubyte.gz', queries);
  if (train.dim !== FASHION_MNIST_DIM) throw new Error(`unexpected image size ${train.dim}`);
  return { vectors: train.vectors, queries: test.vectors };
}
