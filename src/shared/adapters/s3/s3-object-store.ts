/**
 * ObjectStore on S3 or an S3-compatible server (MinIO, R2, Ceph), through @aws-sdk/client-s3.
 *
 * Guarantees, all inherited from S3's strong read-after-write consistency: a put is atomic
 * (readers see the old object, nothing, or the new one) and visible to every reader once it
 * resolves; `ifNoneMatch` puts are decided by the server (If-None-Match: *) so exactly one of
 * several concurrent writers wins — see conditional-write.ts for servers that ignore the header.
 * Bodies of at least `multipartThresholdBytes` go up as multipart uploads (multipart.ts).
 *
 * Failures: every request is retried by the SDK (backoff, bounded attempts and timeouts; see
 * client.ts); what still fails is translated by errors.ts — unreachable or failing server →
 * ObjectStoreUnavailableError, missing key → ObjectNotFoundError, refused request → Error.
 */

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '../../logger.ts';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  type ByteRange,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from '../../ports/object-store.ts';
import {
  createS3Client,
  describeEndpoint,
  resolveOptions,
  type ResolvedS3Options,
  type S3ObjectStoreOptions,
} from './client.ts';
import { ConditionalWriteSupport } from './conditional-write.ts';
import { httpStatus, isInvalidRange, isNoSuchKey, isPreconditionFailed, translateS3Error } from './errors.ts';
import { compareUtf8, KeyMapper } from './keys.ts';
import { uploadMultipart } from './multipart.ts';
import { putSingle, type PutResult } from './single-put.ts';
import { normalizeEtag, readBody } from './transfer.ts';

/**
 * Opens a store on `options.bucket`. Never reads the environment (see client.ts for the one
 * credential exception). With `verifyBucket` (default) it sends HEAD bucket first: rejects with
 * an Error when the bucket does not exist, with ObjectStoreUnavailableError when the server is
 * unreachable or refuses the credentials; an Error for malformed options.
 */
export async function openS3ObjectStore(options: S3ObjectStoreOptions): Promise<ObjectStore> {
  const resolved = resolveOptions(options);
  const logger = options.logger ?? silentLogger;
  const client = createS3Client(options);
  if (resolved.verifyBucket) {
    try {
      await client.send(new HeadBucketCommand({ Bucket: resolved.bucket }));
    } catch (err) {
      client.destroy();
      if (httpStatus(err) === 404) {
        throw new Error(
          `s3 object store: bucket ${JSON.stringify(resolved.bucket)} does not exist at ` +
            `${describeEndpoint(options.endpoint)} (objectStore.bucket)`,
        );
      }
      throw translateS3Error('open bucket', resolved.bucket, err);
    }
  }
  logger.info('s3 object store opened', {
    endpoint: describeEndpoint(options.endpoint),
    bucket: resolved.bucket,
    prefix: resolved.prefix,
  });
  return new S3ObjectStore(client, resolved, logger);
}

class S3ObjectStore implements ObjectStore {
  private readonly keys: KeyMapper;
  private readonly conditional: ConditionalWriteSupport;
  private closed = false;

  constructor(
    private readonly client: S3Client,
    private readonly options: ResolvedS3Options,
    private readonly logger: Logger,
  ) {
    this.keys = new KeyMapper(options.prefix);
    this.conditional = new ConditionalWriteSupport(
      options.conditionalWrites,
      client,
      options.bucket,
      options.prefix,
      logger,
    );
  }

  /**
   * Stores `body` under `key`, in one request below the multipart threshold, else in parts.
   * Throws an Error (nothing sent) for an invalid key or body; ObjectExistsError when
   * `ifNoneMatch` and the key exists; ObjectStoreUnavailableError when the server failed (the
   * object is then either unchanged or fully written, never partial).
   */
  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    const name = this.keys.toObjectName(key);
    if (!(body instanceof Uint8Array)) throw new TypeError('object body must be a Uint8Array');
    this.assertOpen();
    const ifNoneMatch = options.ifNoneMatch === true;
    try {
      const mode = ifNoneMatch ? await this.conditional.mode() : undefined;
      // HEAD first when emulating, and before a large upload (refusal would waste the transfer).
      const multipart = body.length >= this.options.multipartThresholdBytes;
      if (mode === 'emulated' || (mode === 'native' && multipart)) {
        if ((await this.headName(name, key)) !== null) throw new ObjectExistsError(key);
      }
      const conditional = mode === 'native';
      const { etag, date } = multipart
        ? await this.putMultipart(name, key, body, conditional)
        : await putSingle({ ...this.request(name, body, conditional), key }, () => this.headName(name, key));
      return { key, size: body.length, etag, lastModified: date ?? Date.now() };
    } catch (err) {
      throw translateS3Error('put', key, err);
    }
  }

  private async putMultipart(
    name: string,
    key: string,
    body: Uint8Array,
    conditional: boolean,
  ): Promise<PutResult> {
    try {
      const result = await uploadMultipart(
        {
          ...this.request(name, body, conditional),
          partSizeBytes: this.options.partSizeBytes,
          concurrency: this.options.partConcurrency,
        },
        async () => (await this.headName(name, key))?.etag,
      );
      return { etag: result.etag, date: result.date };
    } catch (err) {
      if (conditional && isPreconditionFailed(err)) throw new ObjectExistsError(key);
      throw err;
    }
  }

  /** The fields every upload request shares. */
  private request(objectName: string, body: Uint8Array, ifNoneMatch: boolean) {
    const { client, logger } = this;
    return { client, bucket: this.options.bucket, objectName, body, ifNoneMatch, logger };
  }

  /**
   * The object's bytes, or only `range` of them. A range that starts at or past the end yields
   * an empty array; one that runs past the end is shortened. Throws RangeError for a negative or
   * fractional offset or length, ObjectNotFoundError for a missing key.
   */
  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const name = this.keys.toObjectName(key);
    if (range !== undefined) assertRange(range);
    this.assertOpen();
    try {
      if (range?.length === 0) {
        // "bytes=a-(a-1)" is not a valid HTTP range; only existence is left to check.
        if ((await this.headName(name, key)) === null) throw new ObjectNotFoundError(key);
        return new Uint8Array(0);
      }
      const answer = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: name,
          ...(range === undefined ? {} : { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }),
        }),
      );
      try {
        return await readBody(answer.Body, answer.ContentLength);
      } catch (err) {
        throw new ObjectStoreUnavailableError(
          `s3 object store get ${JSON.stringify(key)} failed while reading the body: ${(err as Error).message}`,
          { cause: err },
        );
      }
    } catch (err) {
      if (isNoSuchKey(err)) throw new ObjectNotFoundError(key);
      // 416 comes only for an existing object (a missing one answers 404 first).
      if (isInvalidRange(err)) return new Uint8Array(0);
      throw translateS3Error('get', key, err);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const name = this.keys.toObjectName(key);
    this.assertOpen();
    try {
      return await this.headName(name, key);
    } catch (err) {
      throw translateS3Error('head', key, err);
    }
  }

  /** HEAD of an already mapped name; null for 404. Rejects with the SDK's error otherwise. */
  private async headName(name: string, key: string): Promise<ObjectInfo | null> {
    try {
      const answer = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: name }),
      );
      return {
        key,
        size: answer.ContentLength ?? 0,
        etag: normalizeEtag(answer.ETag),
        lastModified: answer.LastModified?.getTime() ?? 0,
      };
    } catch (err) {
      if (isNoSuchKey(err)) return null;
      throw err;
    }
  }

  /**
   * Every object whose key starts with `prefix` (a plain string prefix), sorted by UTF-8 bytes.
   * Pages through ListObjectsV2 (1000 keys per request); not a snapshot: objects put or deleted
   * while a long listing runs may or may not appear.
   */
  async list(prefix: string): Promise<ObjectInfo[]> {
    const listPrefix = this.keys.toListPrefix(prefix);
    this.assertOpen();
    if (listPrefix === null) return [];
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: listPrefix, ContinuationToken: token }),
        );
        for (const entry of page.Contents ?? []) {
          const key = entry.Key === undefined ? null : this.keys.fromObjectName(entry.Key);
          if (key === null) continue;
          found.push({
            key,
            size: entry.Size ?? 0,
            etag: normalizeEtag(entry.ETag),
            lastModified: entry.LastModified?.getTime() ?? 0,
          });
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (err) {
      throw translateS3Error('list', prefix, err);
    }
    // S3 lists in UTF-8 byte order, but not every S3-compatible server does; sort to be sure.
    return found.sort((a, b) => compareUtf8(a.key, b.key));
  }

  /** Removes the key; resolves also when it did not exist. */
  async delete(key: string): Promise<void> {
    const name = this.keys.toObjectName(key);
    this.assertOpen();
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: name }));
    } catch (err) {
      // S3 answers 204 for a missing key; some compatible servers answer 404.
      if (isNoSuchKey(err)) return;
      throw translateS3Error('delete', key, err);
    }
  }

  /** Closes the HTTP connections; later calls reject with ObjectStoreUnavailableError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
  }

  private assertOpen(): void {
    if (this.closed) throw new ObjectStoreUnavailableError('s3 object store is closed');
  }
}

/** Throws when a range is not a pair of non-negative safe integers. */
function assertRange(range: ByteRange): void {
  const ok = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!ok(range.offset) || !ok(range.length)) {
    throw new RangeError(`byte range needs non-negative integer offset and length, got ${JSON.stringify(range)}`);
  }
}

