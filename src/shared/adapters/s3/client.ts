/**
 * Options of the S3 object store and construction of the SDK client from them.
 *
 * Everything the client needs is passed in explicitly (endpoint, region, credentials, retry and
 * timeout settings), so the adapter's behaviour never depends on AWS_* environment variables or
 * ~/.aws files — with one deliberate exception: when no access key is configured, the SDK's
 * default credential chain is used, which is how AWS deployments receive instance-role or
 * web-identity credentials.
 */

import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Logger } from '../../logger.ts';

export interface S3ObjectStoreOptions {
  /** Endpoint URL of an S3-compatible store (MinIO, R2, ...); omit for AWS S3. */
  endpoint?: string;
  bucket: string;
  /** Signing region; S3-compatible stores usually accept 'us-east-1'. Default 'us-east-1'. */
  region?: string;
  /** Static credentials; give both or neither (then the SDK's default chain is used). */
  accessKeyId?: string;
  /** Secret: never logged, never part of an error message. */
  secretAccessKey?: string;
  /** Path-style addressing (http://host/bucket/key), required by MinIO and most self-hosted stores. */
  forcePathStyle?: boolean;
  /**
   * Prepended to every key inside the bucket and stripped from listed keys, so several
   * deployments can share a bucket. A plain string prefix: end it with '/' to get a folder.
   */
  prefix?: string;
  logger?: Logger;
  /** Bodies of at least this many bytes are uploaded in parts. Default 64 MiB. */
  multipartThresholdBytes?: number;
  /** Size of each part, bytes (S3's minimum is 5 MiB). Default 16 MiB. */
  partSizeBytes?: number;
  /** Parts uploaded at once by one put. Default 4. */
  partConcurrency?: number;
  /** HTTP attempts per request, including the first (SDK standard retry mode). Default 4. */
  maxAttempts?: number;
  /** Milliseconds to establish a TCP connection before the attempt fails. Default 3000. */
  connectTimeoutMs?: number;
  /** Milliseconds a socket may stay silent mid-request before the attempt fails. Default 30000. */
  socketTimeoutMs?: number;
  /**
   * How `put(..., { ifNoneMatch: true })` is enforced:
   * - 'native': If-None-Match: * on the request; the server decides atomically.
   * - 'emulated': HEAD, then put when absent. Racy: two writers can both "win", the later
   *   overwrite stands. Only for servers that ignore the header.
   * - 'auto' (default): probe once per store whether the server honours the header, then use
   *   'native' or fall back to 'emulated' with a warning.
   */
  conditionalWrites?: 'auto' | 'native' | 'emulated';
  /** HEAD the bucket while opening so a wrong bucket or credentials fail at start. Default true. */
  verifyBucket?: boolean;
}

/** S3 limits: parts are 5 MiB..5 GiB, at most 10,000 per upload; keys at most 1024 bytes. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
export const MAX_S3_KEY_BYTES = 1024;

export interface ResolvedS3Options {
  bucket: string;
  prefix: string;
  multipartThresholdBytes: number;
  partSizeBytes: number;
  partConcurrency: number;
  conditionalWrites: 'auto' | 'native' | 'emulated';
  verifyBucket: boolean;
}

/**
 * Checks the options and fills in defaults. Throws an Error naming the offending option; the
 * message never contains the secret.
 */
export function resolveOptions(options: S3ObjectStoreOptions): ResolvedS3Options {
  if (typeof options.bucket !== 'string' || options.bucket.length === 0) {
    throw new Error('s3 object store: bucket must be a non-empty string');
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || prefix.startsWith('/') || prefix.includes('\0')) {
    throw new Error('s3 object store: prefix must be a string that does not start with "/" or contain NUL');
  }
  if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
    throw new Error('s3 object store: give both accessKeyId and secretAccessKey, or neither');
  }
  const threshold = positiveInt(options.multipartThresholdBytes, 64 * 1024 * 1024, 'multipartThresholdBytes');
  const partSize = positiveInt(options.partSizeBytes, 16 * 1024 * 1024, 'partSizeBytes');
  if (partSize < MIN_PART_BYTES) {
    throw new Error(`s3 object store: partSizeBytes must be at least ${MIN_PART_BYTES} (S3's minimum part size)`);
  }
  const mode = options.conditionalWrites ?? 'auto';
  if (mode !== 'auto' && mode !== 'native' && mode !== 'emulated') {
    throw new Error(`s3 object store: conditionalWrites must be auto, native or emulated, got ${String(mode)}`);
  }
  return {
    bucket: options.bucket,
    prefix,
    multipartThresholdBytes: threshold,
    partSizeBytes: partSize,
    partConcurrency: positiveInt(options.partConcurrency, 4, 'partConcurrency'),
    conditionalWrites: mode,
    verifyBucket: options.verifyBucket ?? true,
  };
}

/**
 * Builds the SDK client. Retries: the SDK's standard mode (exponential backoff with jitter and a
 * retry quota, so a long outage stops retrying early) retries 5xx, throttling, timeouts and
 * connection errors up to `maxAttempts`. Timeouts bound every attempt: connecting, and silence
 * on the socket (not the whole transfer, so large bodies on slow links still work).
 */
export function createS3Client(options: S3ObjectStoreOptions): S3Client {
  const config: S3ClientConfig = {
    region: options.region ?? 'us-east-1',
    forcePathStyle: options.forcePathStyle ?? false,
    maxAttempts: positiveInt(options.maxAttempts, 4, 'maxAttempts'),
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: positiveInt(options.connectTimeoutMs, 3_000, 'connectTimeoutMs'),
      socketTimeout: positiveInt(options.socketTimeoutMs, 30_000, 'socketTimeoutMs'),
      // Keep-alive saves a TCP (and TLS) handshake per request; the socket cap bounds the
      // parallelism of multipart uploads plus concurrent gets.
      httpAgent: { keepAlive: true, maxSockets: 64 },
      httpsAgent: { keepAlive: true, maxSockets: 64 },
    },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.accessKeyId !== undefined && options.secretAccessKey !== undefined) {
    config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
  }
  return new S3Client(config);
}

/** The endpoint for log lines: scheme, host and port only (a URL may embed user:password). */
export function describeEndpoint(endpoint: string | undefined): string {
  if (endpoint === undefined) return 'AWS S3';
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparseable endpoint)';
  }
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`s3 object store: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
