/**
 * fvecs files (the TEXMEX/ANN benchmark format): per vector a little-endian int32 dimension,
 * then that many little-endian float32 values. Every vector must have the first one's dimension.
 */
import { open } from 'node:fs/promises';
import { SourceError, type RowReader } from './source.ts';

export interface VectorLayout {
  /** Offset of the first record to read, bytes. */
  start: number;
  rows: number;
  dim: number;
  itemBytes: 4 | 8;
  /** 4 for fvecs (the int32 dimension in front of every vector), 0 for npy. */
  prefixBytes: 0 | 4;
  onPosition?: (bytes: number) => void;
}

/** Reads fixed-size vector records in chunks of about 1 MiB. */
export async function* readVectors(file: string, l: VectorLayout): AsyncGenerator<number[]> {
  const recordBytes = l.prefixBytes + l.dim * l.itemBytes;
  const perChunk = Math.max(1, Math.floor((1 << 20) / Math.max(1, recordBytes)));
  const fh = await open(file, 'r');
  try {
    let position = l.start;
    for (let done = 0; done < l.rows; ) {
      const n = Math.min(perChunk, l.rows - done);
      const buf = Buffer.alloc(n * recordBytes);
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      if (bytesRead < buf.length) throw new SourceError(`${file}: truncated at byte ${position + bytesRead}`);
      for (let r = 0; r < n; r++) {
        const base = r * recordBytes;
        if (l.prefixBytes === 4) {
          const d = buf.readInt32LE(base);
          if (d !== l.dim) throw new SourceError(`${file}: vector ${done + r} has dimension ${d}, the first has ${l.dim}`);
        }
        const v = new Array<number>(l.dim);
        const at = base + l.prefixBytes;
        if (l.itemBytes === 4) for (let i = 0; i < l.dim; i++) v[i] = buf.readFloatLE(at + i * 4);
        else for (let i = 0; i < l.dim; i++) v[i] = buf.readDoubleLE(at + i * 8);
        yield v;
      }
      done += n;
      position += buf.length;
      l.onPosition?.(position);
    }
  } finally {
    await fh.close();
  }
}

export async function openFvecs(file: string, vectorField: string): Promise<RowReader> {
  const fh = await open(file, 'r');
  let size: number;
  let dim: number;
  try {
    size = (await fh.stat()).size;
    const head = Buffer.alloc(4);
    dim = size === 0 ? 0 : ((await fh.read(head, 0, 4, 0)).bytesRead === 4 ? head.readInt32LE(0) : -1);
  } finally {
    await fh.close();
  }
  if (size > 0 && (dim <= 0 || dim > 65_536)) throw new SourceError(`${file}: not an fvecs file (first dimension ${dim})`);
  const recordBytes = 4 + dim * 4;
  if (size > 0 && size % recordBytes !== 0) {
    throw new SourceError(`${file}: size ${size} is not a multiple of the record size ${recordBytes} (dimension ${dim})`);
  }
  const total = size === 0 ? 0 : size / recordBytes;
  let position = 0;
  return {
    totalRows: total,
    totalBytes: size,
    vectorsOnly: true,
    bytesRead: () => position,
    async *rows(skip: number) {
      const vectors = readVectors(file, {
        start: skip * recordBytes,
        rows: total - skip,
        dim,
        itemBytes: 4,
        prefixBytes: 4,
        onPosition: (p) => (position = p),
      });
      for await (const v of vectors) yield { [vectorField]: v };
    },
  };
}
