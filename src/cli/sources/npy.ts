/**
 * NumPy .npy files holding a 2-D float32 or float64 array in C order (format versions 1-3):
 * row i is vector i. The header is a Python dict literal, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 128), }`.
 */
import { open } from 'node:fs/promises';
import { SourceError, type RowReader } from './source.ts';
import { readVectors } from './fvecs.ts';

export interface NpyHeader {
  /** Bytes per element: 4 (float32) or 8 (float64). */
  itemBytes: 4 | 8;
  rows: number;
  dim: number;
  /** Offset of the first element, bytes. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses the header at the start of an .npy file; SourceError when it is not a supported array. */
export function parseNpyHeader(head: Uint8Array): NpyHeader {
  if (head.length < 10 || MAGIC.some((b, i) => head[i] !== b)) throw new SourceError('not an .npy file (bad magic)');
  const major = head[6];
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let len: number;
  let start: number;
  if (major === 1) {
    len = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (head.length < 12) throw new SourceError('truncated .npy header');
    len = view.getUint32(8, true);
    start = 12;
  } else {
    throw new SourceError(`unsupported .npy format version ${major}`);
  }
  if (head.length < start + len) throw new SourceError('truncated .npy header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(head.subarray(start, start + len));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined) throw new SourceError(`unreadable .npy header: ${text.trim()}`);
  const itemBytes = descr === '<f4' || descr === '=f4' ? 4 : descr === '<f8' || descr === '=f8' ? 8 : null;
  if (itemBytes === null) throw new SourceError(`unsupported .npy dtype ${descr} (need little-endian float32 <f4 or float64 <f8)`);
  if (fortran === 'True') throw new SourceError('unsupported .npy layout: fortran_order is True (save a C-ordered array)');
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (dims.length !== 2 || dims.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new SourceError(`unsupported .npy shape (${shape}): need a 2-D array (rows, dim)`);
  }
  return { itemBytes, rows: dims[0], dim: dims[1], dataOffset: start + len };
}

export async function openNpy(file: string, vectorField: string): Promise<RowReader> {
  const fh = await open(file, 'r');
  let header: NpyHeader;
  let size: number;
  try {
    size = (await fh.stat()).size;
    const head = new Uint8Array(Math.min(size, 65_536 + 12));
    await fh.read(head, 0, head.length, 0);
    header = parseNpyHeader(head);
  } catch (err) {
    throw err instanceof SourceError ? new SourceError(`${file}: ${err.message}`) : err;
  } finally {
    await fh.close();
  }
  const rowBytes = header.dim * header.itemBytes;
  if (header.dataOffset + header.rows * rowBytes > size) throw new SourceError(`${file}: truncated: the header promises ${header.rows} rows`);
  let position = header.dataOffset;
  return {
    totalRows: header.rows,
    totalBytes: size,
    vectorsOnly: true,
    bytesRead: () => position,
    async *rows(skip: number) {
      const vectors = readVectors(file, {
        start: header.dataOffset + skip * rowBytes,
        rows: header.rows - skip,
        dim: header.dim,
        itemBytes: header.itemBytes,
        prefixBytes: 0,
        onPosition: (p) => (position = p),
      });
      for await (const v of vectors) yield { [vectorField]: v };
    },
  };
}
