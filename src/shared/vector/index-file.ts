/**
 * Reads the header of a usearch index file without mapping it, so an opened segment can check
 * that the file was built for the metric it will be searched with (usearch itself silently
 * adopts whatever the file says, and quiver converts distances according to the metric).
 *
 * Layout written by usearch 2.x `save`: u32 rows, u32 bytes per row, the vectors, then the
 * header: "usearch", u16 major/minor/patch, u8 metric, u8 scalar, u8 key kind, u8 slot kind,
 * u64 present, u64 deleted, u64 dimensions, u8 multi. All little-endian.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Quantization } from '../schema/types.ts';
import type { UsearchMetric } from './metrics.ts';

/** What an index file says about itself. */
export interface IndexFileHeader {
  /** usearch version that wrote it, e.g. "2.25.3". */
  version: string;
  /** Metric name, or `unknown(<code>)` for metrics quiver does not use. */
  metric: UsearchMetric | string;
  /** Storage precision, or `unknown(<code>)`. */
  quantization: Quantization | string;
  /** Vectors present (not deleted). */
  count: number;
  /** Components per vector (bits for binary). */
  dimensions: number;
}

const METRIC_CODES: Record<number, UsearchMetric> = {
  0x69: 'ip', // 'i'
  0x63: 'cos', // 'c'
  0x65: 'l2sq', // 'e'
  0x62: 'hamming', // 'b'
  0x74: 'tanimoto', // 't'
};
const SCALAR_CODES: Record<number, Quantization> = { 1: 'b1', 11: 'f32', 12: 'f16', 23: 'i8' };
const MAGIC = 'usearch';
const HEADER_BYTES = 7 + 6 + 4 + 24 + 1;

/** Reads and decodes the header. Throws (plain Error) when the file is not a usearch index. */
export function readIndexHeader(path: string): IndexFileHeader {
  const fd = openSync(path, 'r');
  try {
    const prefix = Buffer.alloc(8);
    readExactly(fd, prefix, 0, path);
    const offset = 8 + prefix.readUInt32LE(0) * prefix.readUInt32LE(4);
    const h = Buffer.alloc(HEADER_BYTES);
    readExactly(fd, h, offset, path);
    if (h.toString('latin1', 0, 7) !== MAGIC) throw new Error(`${path} is not a usearch index file`);
    const metricCode = h[13];
    const scalarCode = h[14];
    return {
      version: `${h.readUInt16LE(7)}.${h.readUInt16LE(9)}.${h.readUInt16LE(11)}`,
      metric: METRIC_CODES[metricCode] ?? `unknown(${metricCode})`,
      quantization: SCALAR_CODES[scalarCode] ?? `unknown(${scalarCode})`,
      count: Number(h.readBigUInt64LE(17)),
      dimensions: Number(h.readBigUInt64LE(33)),
    };
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, buf: Buffer, position: number, path: string): void {
  const got = readSync(fd, buf, 0, buf.length, position);
  if (got !== buf.length) throw new Error(`${path} is truncated or not a usearch index file`);
}
