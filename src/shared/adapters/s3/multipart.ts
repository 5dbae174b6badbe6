/**
 * Multipart upload of one large in-memory body: create the upload, send the parts a few at a
 * time, complete — or abort on any failure so no orphaned parts keep costing storage.
 *
 * Atomicity is S3's: the object appears (or is replaced) only when CompleteMultipartUpload
 * succeeds, so readers see the old object, nothing, or the whole new one — as with a single put.
 * With `ifNoneMatch` the condition is sent on the completion (the only request that creates the
 * object), after a cheap HEAD that avoids uploading gigabytes only to be refused.
 *
 * Parts are views into the caller's array (no copies); each carries a CRC-32 checksum that the
 * server verifies, and the completion lists them so the server checks the assembly too.
 */

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  type CompleteMultipartUploadCommandOutput,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Logger } from '../../logger.ts';
import { MAX_PARTS, MIN_PART_BYTES } from './client.ts';
import { attemptsMade, s3ErrorCode } from './errors.ts';
import { multipartEtag, normalizeEtag, sendWithDate } from './transfer.ts';

export interface MultipartRequest {
  client: S3Client;
  bucket: string;
  /** Full object name (store prefix included). */
  objectName: string;
  body: Uint8Array;
  /** Preferred part size in bytes; raised when the body would need more than 10,000 parts. */
  partSizeBytes: number;
  /** Parts in flight at once. */
  concurrency: number;
  /** Send If-None-Match: * on the completion. */
  ifNoneMatch: boolean;
  logger: Logger;
}

export interface MultipartResult {
  etag: string;
  /** Server Date of the completion response, ms since the epoch. */
  date: number | undefined;
  /**
   * True when the completion's outcome was settled by comparing ETags after a retry found the
   * upload already gone (its first attempt succeeded but the answer was lost).
   */
  settledAfterRetry: boolean;
}

/** Part size for `length` bytes: the preferred size, raised so at most MAX_PARTS parts are needed. */
export function choosePartSize(length: number, preferred: number): number {
  return Math.max(preferred, MIN_PART_BYTES, Math.ceil(length / MAX_PARTS));
}

/**
 * Uploads `body` as a multipart upload. Rejects with the SDK's error of the first failure after
 * aborting the upload (an abort failure is logged, not thrown: the original error matters more,
 * and a bucket lifecycle rule for incomplete uploads cleans up what remains).
 * `headObjectEtag` is consulted only to settle a completion whose answer was lost.
 */
export async function uploadMultipart(
  request: MultipartRequest,
  headObjectEtag: () => Promise<string | undefined>,
): Promise<MultipartResult> {
  const { client, bucket, objectName, body, logger } = request;
  const partSize = choosePartSize(body.length, request.partSizeBytes);
  const partCount = Math.max(1, Math.ceil(body.length / partSize));
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: objectName, ChecksumAlgorithm: 'CRC32' }),
  );
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');

  const parts: CompletedPart[] = new Array(partCount);
  let failure: unknown;
  let next = 0;
  // Each worker takes the next part number until all are sent or one failed; a failure stops
  // the others from starting new parts (in-flight ones finish, then the upload is aborted).
  const worker = async () => {
    while (failure === undefined && next < partCount) {
      const index = next++;
      const start = index * partSize;
      const chunk = body.subarray(start, Math.min(start + partSize, body.length));
      try {
        const sent = await client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: objectName,
            UploadId: uploadId,
            PartNumber: index + 1,
            Body: chunk,
            ContentLength: chunk.length,
            ChecksumAlgorithm: 'CRC32',
          }),
        );
        parts[index] = { PartNumber: index + 1, ETag: sent.ETag, ChecksumCRC32: sent.ChecksumCRC32 };
      } catch (err) {
        failure ??= err;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(request.concurrency, partCount) }, worker));
    if (failure !== undefined) throw failure;
    return await complete(request, uploadId, parts, headObjectEtag);
  } catch (err) {
    await abort(client, bucket, objectName, uploadId, logger);
    throw err;
  }
}

async function complete(
  request: MultipartRequest,
  uploadId: string,
  parts: CompletedPart[],
  headObjectEtag: () => Promise<string | undefined>,
): Promise<MultipartResult> {
  const { client, bucket, objectName } = request;
  const command = new CompleteMultipartUploadCommand({
    Bucket: bucket,
    Key: objectName,
    UploadId: uploadId,
    MultipartUpload: { Parts: parts },
    ...(request.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
  });
  try {
    const { output, date } = await sendWithDate<CompleteMultipartUploadCommandOutput>(client, command);
    return { etag: normalizeEtag(output.ETag), date, settledAfterRetry: false };
  } catch (err) {
    // A retried completion answers NoSuchUpload when the first attempt did complete and only its
    // answer was lost. The object then carries exactly the ETag these parts produce.
    if (s3ErrorCode(err) === 'NoSuchUpload' && attemptsMade(err) > 1) {
      const expected = multipartEtag(parts.map((p) => p.ETag ?? ''));
      const actual = await headObjectEtag().catch(() => undefined);
      if (expected !== undefined && actual === expected) {
        return { etag: actual, date: undefined, settledAfterRetry: true };
      }
    }
    throw err;
  }
}

async function abort(
  client: S3Client,
  bucket: string,
  objectName: string,
  uploadId: string,
  logger: Logger,
): Promise<void> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: objectName, UploadId: uploadId }));
  } catch (err) {
    // NoSuchUpload: already completed or aborted, nothing left to clean.
    if (s3ErrorCode(err) === 'NoSuchUpload') return;
    logger.warn('s3 multipart upload not aborted; its parts remain until a lifecycle rule removes them', {
      key: objectName,
      uploadId,
      error: s3ErrorCode(err) ?? String(err),
    });
  }
}
