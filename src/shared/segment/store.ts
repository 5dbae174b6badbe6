/**
 * Writes and reads segments in the object store, in one of two layouts:
 *  - packed: the whole segment in one object, `segment.bin` (a small header with the meta and
 *    file offsets, then the files back to back). Every segment up to PACK_MAX_BYTES is written
 *    so — every flush and most merges: one PUT to write, one GET to read, and since a PUT is
 *    atomic there is never a half-written segment.
 *  - loose: one object per file, `meta.json` (sizes and CRC-32s) written last, so a crash leaves
 *    at most an orphan folder without meta.json, never a readable half segment. Used for larger
 *    segments, whose files are then fetched in parallel.
 * Readers try `segment.bin` first and fall back to `meta.json`. Segment ids are fresh and never
 * reused. Reading verifies every file's checksum; a mismatch is an error, never silently used data.
 */
import { crc32 } from 'node:zlib';
import { ObjectNotFoundError, type ObjectStore } from '../ports/object-store.ts';
import type { SegmentRef } from '../manifest/manifest.ts';
import { segmentPrefix } from '../manifest/manifest.ts';
import type { FieldSchema } from '../schema/types.ts';
import {
  SEGMENT_FORMAT,
  SegmentCodec,
  vectorBytesOf,
  vectorColumnFrom,
  type HnswFileMeta,
  type SegmentData,
  type SegmentMeta,
  type VectorFileMeta,
} from './format.ts';

export interface SegmentToWrite {
  collectionId: number;
  shard: number;
  id: string;
  level: 0 | 1;
  lsnMin: number;
  lsnMax: number;
  data: SegmentData;
  /** Vector fields of the collection (for ids). */
  fields: FieldSchema[];
  /** Built HNSW index files per vector field name. */
  hnsw?: Record<string, { bytes: Uint8Array; meta: Omit<HnswFileMeta, 'file'> }>;
  now: number;
}

/** Name of the single object of a packed segment. */
const PACKED_FILE = 'segment.bin';
/** First four bytes of a packed segment ("QSG1" little-endian). */
const PACKED_MAGIC = 0x31475351;
/** Largest segment (sum of its files, bytes) written packed; larger ones stay loose. */
const PACK_MAX_BYTES = 16 * 2 ** 20;

/** Header of a packed segment: the meta and where each file starts, counted from the end of the header. */
interface PackedHeader {
  meta: SegmentMeta;
  offsets: Record<string, number>;
}

/** What a reader keeps about a packed segment: file positions, and its bytes until every file was read. */
interface PackedRead {
  /** Absolute position of each file in the object. */
  offsets: Record<string, number>;
  body: Uint8Array | null;
  /** Files not read yet; once none is left the body is let go (callers copy what they keep). */
  unread: Set<string>;
}

/** Layout: magic (u32 LE), header length (u32 LE), header (JSON), then the files back to back. */
function packSegment(meta: SegmentMeta, files: Array<[string, Uint8Array]>): Uint8Array {
  const offsets: Record<string, number> = {};
  let size = 0;
  for (const [name, bytes] of files) {
    offsets[name] = size;
    size += bytes.length;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, offsets } satisfies PackedHeader));
  const out = new Uint8Array(8 + header.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, PACKED_MAGIC, true);
  view.setUint32(4, header.length, true);
  out.set(header, 8);
  for (const [name, bytes] of files) out.set(bytes, 8 + header.length + offsets[name]);
  return out;
}

/** The meta and absolute file positions of a packed segment; throws on a malformed object. */
function unpackHeader(bytes: Uint8Array, key: string): { meta: SegmentMeta; offsets: Record<string, number> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== PACKED_MAGIC) throw new Error(`${key}: not a packed segment`);
  const length = view.getUint32(4, true);
  if (8 + length > bytes.length) throw new Error(`${key}: truncated header`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as PackedHeader;
  const offsets = Object.fromEntries(Object.entries(header.offsets).map(([n, o]) => [n, 8 + length + o]));
  return { meta: header.meta, offsets };
}

export class SegmentStore {
  private readonly codec = new SegmentCodec();
  /** Packed segments read through this store, keyed by the meta object readMeta returned. */
  private readonly packed = new WeakMap<SegmentMeta, PackedRead>();

  constructor(private readonly objects: ObjectStore) {}

  /**
   * Stores the segment (packed up to PACK_MAX_BYTES, else loose with meta.json last) and returns
   * its manifest entry. Rejects when a put fails; what was written then is an unreferenced orphan.
   */
  async write(s: SegmentToWrite): Promise<{ ref: SegmentRef; meta: SegmentMeta }> {
    const prefix = segmentPrefix(s.collectionId, s.shard, s.id);
    const bodies: Array<[string, Uint8Array]> = [
      ['rows.bin', this.codec.encodeRows(s.data)],
      ['tombstones.bin', this.codec.encodeTombstones(s.data.tombstones)],
    ];
    const vectors: Record<string, VectorFileMeta> = {};
    for (const [name, col] of Object.entries(s.data.vectors)) {
      const field = s.fields.find((f) => f.name === name);
      if (!field) throw new Error(`segment has vectors of unknown field ${name}`);
      const file = `vec-${field.fieldId}.bin`;
      const entry: VectorFileMeta = { fieldId: field.fieldId, kind: col.kind, dim: col.dim, file };
      const built = s.hnsw?.[name];
      if (built) {
        entry.hnsw = { ...built.meta, file: `hnsw-${field.fieldId}.usearch` };
        bodies.push([entry.hnsw.file, built.bytes]);
      }
      vectors[name] = entry;
      bodies.push([file, vectorBytesOf(col)]);
    }
    const files: SegmentMeta['files'] = {};
    for (const [name, bytes] of bodies) files[name] = { bytes: bytes.length, crc32: crc32(bytes) };
    const meta: SegmentMeta = {
      format: SEGMENT_FORMAT,
      collectionId: s.collectionId,
      shard: s.shard,
      id: s.id,
      level: s.level,
      rows: s.data.pks.length,
      tombstones: s.data.tombstones.pks.length,
      lsnMin: s.lsnMin,
      lsnMax: s.lsnMax,
      createdAt: s.now,
      vectors,
      files,
    };
    const bytes = bodies.reduce((n, [, b]) => n + b.length, 0);
    if (bytes <= PACK_MAX_BYTES) {
      await this.objects.put(prefix + PACKED_FILE, packSegment(meta, bodies));
    } else {
      await Promise.all(bodies.map(([name, body]) => this.objects.put(prefix + name, body)));
      await this.objects.put(prefix + 'meta.json', new TextEncoder().encode(JSON.stringify(meta)));
    }
    return {
      meta,
      ref: {
        id: s.id, level: s.level, rows: meta.rows, tombstones: meta.tombstones,
        lsnMin: s.lsnMin, lsnMax: s.lsnMax, bytes, createdAt: s.now,
      },
    };
  }

  /**
   * The segment's meta. A packed segment is fetched whole here (one GET); readData/readFile with
   * this meta object then serve its files from memory until each was read once (later reads
   * fetch their byte range). Rejects with ObjectNotFoundError when the segment does not exist.
   */
  async readMeta(collectionId: number, shard: number, id: string): Promise<SegmentMeta> {
    const prefix = segmentPrefix(collectionId, shard, id);
    let meta: SegmentMeta;
    try {
      const body = await this.objects.get(prefix + PACKED_FILE);
      const header = unpackHeader(body, prefix + PACKED_FILE);
      meta = header.meta;
      this.packed.set(meta, { offsets: header.offsets, body, unread: new Set(Object.keys(meta.files)) });
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
      meta = JSON.parse(new TextDecoder().decode(await this.objects.get(prefix + 'meta.json'))) as SegmentMeta;
    }
    if (meta.format !== SEGMENT_FORMAT) throw new Error(`segment ${id}: unknown format ${meta.format}`);
    return meta;
  }

  /** Reads one file of the segment and checks its CRC-32 against the meta. */
  async readFile(meta: SegmentMeta, name: string): Promise<Uint8Array> {
    const expected = meta.files[name];
    if (!expected) throw new Error(`segment ${meta.id}: no file ${name}`);
    const prefix = segmentPrefix(meta.collectionId, meta.shard, meta.id);
    const packed = this.packed.get(meta);
    let bytes: Uint8Array;
    if (!packed) bytes = await this.objects.get(prefix + name);
    else if (packed.body) {
      bytes = packed.body.subarray(packed.offsets[name], packed.offsets[name] + expected.bytes);
      packed.unread.delete(name);
      if (packed.unread.size === 0) packed.body = null;
    } else bytes = await this.objects.get(prefix + PACKED_FILE, { offset: packed.offsets[name], length: expected.bytes });
    if (expected.bytes !== bytes.length || expected.crc32 !== crc32(bytes)) {
      throw new Error(`segment ${meta.id}: file ${name} is corrupt (size or checksum mismatch)`);
    }
    return bytes;
  }

  /** Reads rows, tombstones and raw vectors (not the HNSW files). */
  async readData(meta: SegmentMeta): Promise<SegmentData> {
    const [rowsBytes, tombBytes] = await Promise.all([this.readFile(meta, 'rows.bin'), this.readFile(meta, 'tombstones.bin')]);
    const rows = this.codec.decodeRows(rowsBytes);
    const vectors: SegmentData['vectors'] = {};
    await Promise.all(
      Object.entries(meta.vectors).map(async ([name, v]) => {
        vectors[name] = vectorColumnFrom(v.kind, v.dim, await this.readFile(meta, v.file));
      }),
    );
    return { ...rows, vectors, tombstones: this.codec.decodeTombstones(tombBytes) };
  }

  /** Deletes every file of a segment (after it left the manifest). */
  async remove(collectionId: number, shard: number, id: string): Promise<void> {
    const prefix = segmentPrefix(collectionId, shard, id);
    // meta.json first: a loose folder without it is already treated as an orphan.
    await this.objects.delete(prefix + 'meta.json');
    const rest = await this.objects.list(prefix);
    await Promise.all(rest.map((o) => this.objects.delete(o.key)));
  }
}
