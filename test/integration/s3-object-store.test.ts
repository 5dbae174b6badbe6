/**
 * The ObjectStore contract against the S3 adapter on a real S3-compatible server (started by
 * `npm run services:up`, which writes .quiver/services.env), plus what only S3 can show: key
 * prefixes inside a shared bucket, multipart uploads (and their abort on failure), conditional
 * writes in every mode, bounded failures of an unreachable server, and secrets kept out of
 * errors. Every run works under its own key prefix and removes it afterwards.
 */

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { openS3ObjectStore, type S3ObjectStoreOptions } from '../../src/shared/adapters/s3/index.ts';
import { uploadMultipart } from '../../src/shared/adapters/s3/multipart.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  type ObjectStore,
} from '../../src/shared/ports/object-store.ts';
import { OutageProxy } from '../helpers/outage-proxy.ts';
import { runObjectStoreContract } from '../contracts/object-store-contract.ts';

const ENV_FILE = fileURLToPath(new URL('../../.quiver/services.env', import.meta.url));
const RUN = `quiver-test/${Date.now()}-${randomUUID().slice(0, 8)}/`;
const MiB = 1024 * 1024;

type Connection = Required<Pick<S3ObjectStoreOptions, 'endpoint' | 'bucket' | 'region' | 'accessKeyId' | 'secretAccessKey' | 'forcePathStyle'>>;

/** The S3 settings from .quiver/services.env; fails (never skips) when the services are not up. */
async function connection(): Promise<Connection> {
  let text: string;
  try {
    text = await readFile(ENV_FILE, 'utf8');
  } catch {
    throw new Error(`${ENV_FILE} is missing: run npm run services:up to start the S3 server for these tests`);
  }
  const read = (name: string) => {
    const match = new RegExp(`^(?:export\\s+)?${name}=['"]?([^'"\\n]*)['"]?$`, 'm').exec(text);
    if (match === null) throw new Error(`${ENV_FILE} has no ${name}: run npm run services:up again`);
    return match[1];
  };
  return {
    endpoint: read('QUIVER_S3_ENDPOINT'),
    bucket: read('QUIVER_S3_BUCKET'),
    region: read('QUIVER_S3_REGION'),
    accessKeyId: read('QUIVER_S3_ACCESS_KEY_ID'),
    secretAccessKey: read('QUIVER_S3_SECRET_ACCESS_KEY'),
    forcePathStyle: read('QUIVER_S3_FORCE_PATH_STYLE') === 'true',
  };
}

const rawClient = (c: Connection) =>
  new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: c.forcePathStyle,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });

/** Deletes every object and aborts every multipart upload under `prefix`. */
async function removePrefix(c: Connection, prefix: string): Promise<void> {
  const s3 = rawClient(c);
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: c.bucket, Key: o.Key }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    for (const upload of await pendingUploads(s3, c.bucket, prefix)) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: c.bucket, Key: upload.key, UploadId: upload.id }));
    }
  } finally {
    s3.destroy();
  }
}

async function pendingUploads(s3: S3Client, bucket: string, prefix: string): Promise<Array<{ key: string; id: string }>> {
  const answer = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return (answer.Uploads ?? []).map((u) => ({ key: u.Key ?? '', id: u.UploadId ?? '' }));
}

runObjectStoreContract('s3', async () => {
  const c = await connection();
  const prefix = `${RUN}contract-${randomUUID().slice(0, 8)}/`;
  const store = await openS3ObjectStore({ ...c, prefix });
  return { store, cleanup: () => removePrefix(c, prefix) };
});

/** A local TCP port with nothing listening on it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('s3 object store', () => {
  let c: Connection;
  let s3: S3Client;
  const stores: ObjectStore[] = [];
  const fresh = async (extra: Partial<S3ObjectStoreOptions> = {}) => {
    const prefix = `${RUN}${randomUUID().slice(0, 8)}/`;
    const store = await openS3ObjectStore({ ...c, prefix, ...extra });
    stores.push(store);
    return { store, prefix };
  };
  before(async () => {
    c = await connection();
    s3 = rawClient(c);
  });
  after(async () => {
    for (const store of stores) await store.close();
    if (c !== undefined) await removePrefix(c, RUN);
    s3?.destroy();
  });

  it('stores keys under the prefix in the bucket and lists them without it', async () => {
    const { store, prefix } = await fresh();
    const { store: neighbour } = await fresh();
    await store.put('segments/a.bin', Uint8Array.of(1, 2));
    const raw = await s3.send(new GetObjectCommand({ Bucket: c.bucket, Key: `${prefix}segments/a.bin` }));
    assert.deepEqual([...(await raw.Body!.transformToByteArray())], [1, 2]);
    assert.deepEqual((await store.list('')).map((o) => o.key), ['segments/a.bin']);
    assert.deepEqual(await neighbour.list(''), []);
    assert.equal(await neighbour.head('segments/a.bin'), null);
  });

  it('answers ranges past the end with empty arrays and rejects malformed ranges', async () => {
    const { store } = await fresh();
    await store.put('r', Uint8Array.of(1, 2, 3));
    await store.put('empty', new Uint8Array(0));
    assert.deepEqual(await store.get('r', { offset: 3, length: 2 }), new Uint8Array(0));
    assert.deepEqual(await store.get('r', { offset: 10, length: 2 }), new Uint8Array(0));
    assert.deepEqual(await store.get('r', { offset: 1, length: 0 }), new Uint8Array(0));
    assert.deepEqual(await store.get('empty', { offset: 0, length: 5 }), new Uint8Array(0));
    await assert.rejects(store.get('missing', { offset: 0, length: 0 }), ObjectNotFoundError);
    await assert.rejects(store.get('missing', { offset: 10, length: 5 }), ObjectNotFoundError);
    await assert.rejects(store.get('r', { offset: -1, length: 2 }), RangeError);
    await assert.rejects(store.get('r', { offset: 0, length: 1.5 }), RangeError);
  });

  it('uploads large bodies in parts, atomically, and leaves no upload behind', async () => {
    const { store, prefix } = await fresh({ multipartThresholdBytes: 6 * MiB, partSizeBytes: 5 * MiB, partConcurrency: 2 });
    const body = new Uint8Array(randomBytes(13 * MiB + 123));
    const info = await store.put('big/object.bin', body);
    assert.equal(info.size, body.length);
    assert.match(info.etag, /-3$/, 'three parts');
    const head = await store.head('big/object.bin');
    assert.equal(head?.etag, info.etag);
    assert.ok(Buffer.from(await store.get('big/object.bin')).equals(body));
    const across = await store.get('big/object.bin', { offset: 5 * MiB - 10, length: 20 });
    assert.ok(Buffer.from(across).equals(body.subarray(5 * MiB - 10, 5 * MiB + 10)), 'range across a part boundary');
    assert.deepEqual(await pendingUploads(s3, c.bucket, prefix), []);
  });

  it('applies ifNoneMatch to multipart uploads, and exactly one concurrent writer wins', async () => {
    const { store, prefix } = await fresh({ multipartThresholdBytes: 6 * MiB, partSizeBytes: 5 * MiB });
    const first = new Uint8Array(7 * MiB).fill(1);
    await store.put('once', first, { ifNoneMatch: true });
    await assert.rejects(store.put('once', new Uint8Array(7 * MiB).fill(2), { ifNoneMatch: true }), ObjectExistsError);
    assert.equal((await store.get('once', { offset: 0, length: 1 }))[0], 1);

    const bodies = [3, 4, 5].map((b) => new Uint8Array(7 * MiB).fill(b));
    const results = await Promise.allSettled(bodies.map((body) => store.put('raced', body, { ifNoneMatch: true })));
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.equal(winners.length, 1, JSON.stringify(results.map((r) => r.status === 'rejected' ? String(r.reason) : 'ok')));
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ObjectExistsError, String(r.reason));
    assert.equal((await store.get('raced', { offset: 7 * MiB - 1, length: 1 }))[0], winners[0] + 3);
    assert.deepEqual(await pendingUploads(s3, c.bucket, prefix), [], 'losing uploads were aborted');
  });

  it('aborts a multipart upload when a part fails, and reports the part error', async () => {
    const sent: string[] = [];
    const failure = Object.assign(new Error('part rejected'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    const fakeClient = {
      send: async (command: { constructor: { name: string }; input: { PartNumber?: number } }) => {
        const name = command.constructor.name;
        sent.push(name === 'UploadPartCommand' ? `${name}#${command.input.PartNumber}` : name);
        if (name === 'CreateMultipartUploadCommand') return { UploadId: 'upload-1' };
        if (name === 'UploadPartCommand' && command.input.PartNumber === 2) throw failure;
        if (name === 'UploadPartCommand') return { ETag: '"0123456789abcdef0123456789abcdef"' };
        return {};
      },
    } as unknown as S3Client;
    await assert.rejects(
      uploadMultipart(
        { client: fakeClient, bucket: 'b', objectName: 'k', body: new Uint8Array(16 * MiB), partSizeBytes: 5 * MiB, concurrency: 1, ifNoneMatch: false, logger: silentLogger },
        async () => undefined,
      ),
      (err: unknown) => err === failure,
    );
    assert.deepEqual(sent, ['CreateMultipartUploadCommand', 'UploadPartCommand#1', 'UploadPartCommand#2', 'AbortMultipartUploadCommand']);
  });

  it('emulates ifNoneMatch with HEAD-then-put when configured to', async () => {
    const { store } = await fresh({ conditionalWrites: 'emulated' });
    await store.put('k', Uint8Array.of(1), { ifNoneMatch: true });
    await assert.rejects(store.put('k', Uint8Array.of(2), { ifNoneMatch: true }), ObjectExistsError);
    assert.deepEqual(await store.get('k'), Uint8Array.of(1));
  });

  it('probes conditional-write support without leaving anything visible', async () => {
    const { store, prefix } = await fresh({ conditionalWrites: 'auto' });
    await store.put('created', Uint8Array.of(1), { ifNoneMatch: true });
    await assert.rejects(store.put('created', Uint8Array.of(2), { ifNoneMatch: true }), ObjectExistsError);
    assert.deepEqual((await store.list('')).map((o) => o.key), ['created']);
    const raw = await s3.send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: prefix }));
    assert.deepEqual((raw.Contents ?? []).map((o) => o.Key), [`${prefix}created`], 'probe object deleted');
    await assert.rejects(store.put('.quiver-internal/x', Uint8Array.of(1)), /reserved/);
  });

  it('refuses keys S3 cannot store or list faithfully, before any request', async () => {
    const { store } = await fresh({ prefix: `${RUN}${'p'.repeat(100)}/` });
    const plain = (pattern: RegExp) => (err: unknown) =>
      err instanceof Error && !(err instanceof ObjectStoreUnavailableError) && pattern.test(err.message);
    await assert.rejects(store.put('k'.repeat(1000), Uint8Array.of(1)), plain(/1024 UTF-8 bytes/));
    await assert.rejects(store.put('tab\there', Uint8Array.of(1)), plain(/control characters/));
    await assert.rejects(store.get('line\r\nbreak'), plain(/control characters/));
    await assert.rejects(store.put('lone\uD800', Uint8Array.of(1)), plain(/well-formed/));
    assert.deepEqual(await store.list(''), []);
  });

  it('fails with ObjectStoreUnavailableError within a bounded time when the server is unreachable', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const t0 = Date.now();
    await assert.rejects(openS3ObjectStore({ ...c, endpoint, maxAttempts: 2 }), ObjectStoreUnavailableError);
    const store = await openS3ObjectStore({ ...c, endpoint, maxAttempts: 2, verifyBucket: false });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['put', () => store.put('k', Uint8Array.of(1))],
      ['get', () => store.get('k')],
      ['head', () => store.head('k')],
      ['list', () => store.list('')],
      ['delete', () => store.delete('k')],
      ['put ifNoneMatch', () => store.put('k', Uint8Array.of(1), { ifNoneMatch: true })],
    ];
    for (const [name, call] of calls) {
      const start = Date.now();
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ObjectStoreUnavailableError, `${name}: ${String(err)}`);
        assert.ok(!inspect(err, { depth: 8 }).includes(c.secretAccessKey), `${name}: the secret stays out of the error`);
        return true;
      });
      assert.ok(Date.now() - start < 5_000, `${name} took ${Date.now() - start} ms`);
    }
    assert.ok(Date.now() - t0 < 20_000);
    await store.close();
  });

  it('recovers by itself when the server comes back', async () => {
    const outage = new OutageProxy(new URL(c.endpoint).hostname, Number(new URL(c.endpoint).port || 80));
    await outage.up();
    const { store } = await fresh({ endpoint: `http://127.0.0.1:${outage.port}`, maxAttempts: 2 });
    try {
      await store.put('k', Uint8Array.of(1));
      await outage.down();
      await assert.rejects(store.put('k', Uint8Array.of(2)), ObjectStoreUnavailableError);
      await assert.rejects(store.get('k'), ObjectStoreUnavailableError);
      await outage.up();
      await store.put('k', Uint8Array.of(3));
      assert.deepEqual(await store.get('k'), Uint8Array.of(3));
    } finally {
      await outage.down().catch(() => {});
    }
  });

  it('reports wrong credentials as unavailable (access denied) without revealing the secret', async () => {
    const wrongSecret = `not-the-secret-${randomUUID()}`;
    const attempt = openS3ObjectStore({ ...c, secretAccessKey: wrongSecret });
    await assert.rejects(attempt, (err: unknown) => {
      assert.ok(err instanceof ObjectStoreUnavailableError, String(err));
      assert.match(err.message, /access denied|HTTP 40[13]/);
      const shown = inspect(err, { depth: 8 });
      assert.ok(!shown.includes(wrongSecret) && !shown.includes(c.secretAccessKey), 'no secret in the error');
      return true;
    });
  });

  it('names the bucket option when the bucket does not exist', async () => {
    await assert.rejects(openS3ObjectStore({ ...c, bucket: `missing-${randomUUID()}` }), /does not exist.*objectStore\.bucket/);
  });

  it('refuses work after close with ObjectStoreUnavailableError', async () => {
    const { store } = await fresh();
    await store.close();
    await assert.rejects(store.get('k'), ObjectStoreUnavailableError);
    await assert.rejects(store.list(''), ObjectStoreUnavailableError);
  });
});
