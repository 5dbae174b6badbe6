/**
 * A put in one PutObject request, with the condition handling S3 leaves to the client:
 *
 * - 412 PreconditionFailed answers an `If-None-Match: *` put on an existing key
 *   (ObjectExistsError for the caller) — except when the SDK had retried: then the 412 may
 *   answer our own first attempt, which succeeded but whose response was lost. A single-part
 *   object's ETag is the MD5 of its bytes, so comparing it with ours settles who wrote it.
 * - 409 ConditionalRequestConflict (AWS, while another conditional write on the key is in
 *   flight) is retried a few times with jittered backoff, as AWS documents.
 */

import { PutObjectCommand, type PutObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../../logger.ts';
import { ObjectExistsError } from '../../ports/object-store.ts';
import { attemptsMade, isConditionalConflict, isPreconditionFailed } from './errors.ts';
import { normalizeEtag, sendWithDate, singlePartEtag } from './transfer.ts';

/** Attempts for a conditional put that AWS refuses with 409 while a competing one is in flight. */
const CONFLICT_ATTEMPTS = 5;

export interface SinglePutRequest {
  client: S3Client;
  bucket: string;
  /** The port key, for errors and logs. */
  key: string;
  /** Full object name (store prefix included). */
  objectName: string;
  body: Uint8Array;
  /** Send If-None-Match: * (the server enforces create-once). */
  ifNoneMatch: boolean;
  logger: Logger;
}

/** What was stored: the ETag, and the server's time (ms since the epoch) when known. */
export interface PutResult {
  etag: string;
  date: number | undefined;
}

/**
 * Sends the put. Rejects with ObjectExistsError when the condition failed, else with the SDK's
 * error (the caller translates it). `headEtag` reads the stored object's ETag (undefined when
 * absent) and is called only to settle a 412 after a retry.
 */
export async function putSingle(
  request: SinglePutRequest,
  headEtag: () => Promise<{ etag: string; lastModified: number } | null>,
): Promise<PutResult> {
  const { client, bucket, objectName, body, ifNoneMatch } = request;
  for (let attempt = 1; ; attempt++) {
    const command = new PutObjectCommand({
      Bucket: bucket,
      Key: objectName,
      Body: body,
      ContentLength: body.length,
      ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
    });
    try {
      const { output, date } = await sendWithDate<PutObjectCommandOutput>(client, command);
      return { etag: normalizeEtag(output.ETag), date };
    } catch (err) {
      if (ifNoneMatch && isPreconditionFailed(err)) {
        if (attemptsMade(err) > 1) {
          const stored = await headEtag();
          if (stored !== null && stored.etag === singlePartEtag(body)) {
            request.logger.warn('s3 conditional put settled after a lost response: the object is ours', {
              key: request.key,
            });
            return { etag: stored.etag, date: stored.lastModified };
          }
        }
        throw new ObjectExistsError(request.key);
      }
      if (ifNoneMatch && isConditionalConflict(err) && attempt < CONFLICT_ATTEMPTS) {
        await sleep(25 * 2 ** attempt * (0.5 + Math.random()));
        continue;
      }
      throw err;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
