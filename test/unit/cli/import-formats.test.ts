/** Import building blocks: the .npy header, the key scheme choice, CSV typing, checkpoint checks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resumeConflict, type Checkpoint } from '../../../src/cli/import-checkpoint.ts';
import { planKeys, rowShaper } from '../../../src/cli/import-keys.ts';
import type { DescribedCollection } from '../../../src/cli/milvus-client.ts';
import { parseNpyHeader } from '../../../src/cli/sources/npy.ts';
import { SourceError } from '../../../src/cli/sources/source.ts';
import { UsageError } from '../../../src/cli/usage.ts';

function npyHead(dict: string, major = 1): Uint8Array {
  const text = Buffer.from(dict, 'latin1');
  const head = Buffer.alloc(major === 1 ? 10 : 12);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(text.length, 8);
  else head.writeUInt32LE(text.length, 8);
  return new Uint8Array(Buffer.concat([head, text]));
}

function collection(autoId: boolean, pkType = 'Int64'): DescribedCollection {
  return {
    collectionName: 'c',
    autoId,
    fields: [
      { name: 'id', type: pkType, primaryKey: true, autoId },
      { name: 'vector', type: 'FloatVector' },
      { name: 'n', type: 'Int32' },
      { name: 'on', type: 'Bool' },
      { name: 'tags', type: 'Array' },
      { name: 'label', type: 'VarChar' },
    ],
  };
}

describe('parseNpyHeader', () => {
  it('reads dtype, shape and data offset of versions 1 and 2', () => {
    const d1 = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 8), }   \n";
    assert.deepEqual(parseNpyHeader(npyHead(d1)), { itemBytes: 4, rows: 3, dim: 8, dataOffset: 10 + d1.length });
    const d2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 16), }\n";
    const v2 = parseNpyHeader(npyHead(d2, 2));
    assert.deepEqual([v2.itemBytes, v2.rows, v2.dim, v2.dataOffset], [8, 100000, 16, 12 + d2.length]);
  });

  it('rejects what it cannot read as rows of vectors', () => {
    const bad = (dict: string) => assert.throws(() => parseNpyHeader(npyHead(dict)), SourceError);
    bad("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 8), }");
    bad("{'descr': '>f4', 'fortran_order': False, 'shape': (3, 8), }");
    bad("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 8), }");
    bad("{'descr': '<f4', 'fortran_order': False, 'shape': (24,), }");
    assert.throws(() => parseNpyHeader(new Uint8Array(20)), /bad magic/);
  });
});

describe('planKeys', () => {
  it('upserts rows with keys, numbers vector-only rows, inserts into autoID collections', () => {
    assert.equal(planKeys(collection(false), { id: 1 }, false, null).scheme, 'file');
    assert.deepEqual(planKeys(collection(false), { vector: [1] }, true, null), { scheme: 'row-number', idStart: 0, endpoint: 'entities/upsert' });
    assert.deepEqual(planKeys(collection(true), { vector: [1] }, true, 50), { scheme: 'row-number', idStart: 50, endpoint: 'entities/upsert' });
    assert.deepEqual(planKeys(collection(true), { vector: [1] }, false, null), { scheme: 'auto', idStart: null, endpoint: 'entities/insert' });
  });

  it('refuses rows without keys for a collection without autoID, and --id-start for rows with keys', () => {
    assert.throws(() => planKeys(collection(false), { vector: [1] }, false, null), UsageError);
    assert.throws(() => planKeys(collection(false), { id: 3 }, false, 10), UsageError);
  });
});

describe('rowShaper', () => {
  it('types CSV cells by the schema and fills row-number keys', () => {
    const shape = rowShaper(collection(false), 'csv', { scheme: 'row-number', idStart: 10, endpoint: 'entities/upsert' });
    assert.deepEqual(shape({ vector: '[1, 2]', n: '7', on: 'TRUE', tags: '["a"]', label: '', other: '5' }, 3), {
      id: 13, vector: [1, 2], n: 7, on: true, tags: ['a'], label: '', other: '5',
    });
    assert.deepEqual(shape({ vector: '[1]', n: '' }, 0), { id: 10, vector: [1] });
    const text = rowShaper(collection(false, 'VarChar'), 'jsonl', { scheme: 'row-number', idStart: 0, endpoint: 'entities/upsert' });
    assert.deepEqual(text({ vector: [1] }, 4), { vector: [1], id: '4' });
  });
});

describe('resumeConflict', () => {
  const base: Checkpoint = {
    version: 1, file: '/f', source: { size: 10, mtimeMs: 5, headSha256: 'ab' }, url: 'http://x', db: null, collection: 'c',
    format: 'jsonl', keys: 'file', idStart: null, vectorField: 'vector', rowsAcknowledged: 4, complete: false, updatedAt: '',
  };
  it('accepts the same file and target, refuses a changed file or another target', () => {
    assert.equal(resumeConflict(base, base), null);
    assert.match(resumeConflict(base, { ...base, source: { ...base.source, headSha256: 'cd' } })!, /source file changed/);
    assert.match(resumeConflict(base, { ...base, source: { ...base.source, mtimeMs: 6 } })!, /source file changed/);
    assert.match(resumeConflict(base, { ...base, collection: 'd' })!, /collection "c", this run uses "d"/);
    // Another server address is fine: the same deployment may be reached through another proxy.
    assert.equal(resumeConflict(base, { ...base, url: 'http://y' }), null);
  });
});
