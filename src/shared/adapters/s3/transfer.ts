/**
 * Low-level helpers around single S3 requests: reading a response body into one exactly sized
 * array, capturing the server's Date header, and the ETag arithmetic used to settle ambiguous
 * retries.
 */

import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Reads a GetObject body (a Node readable stream) into a Uint8Array of exactly the received
 * length that owns its whole ArrayBuffer, so callers may use `.buffer` safely. When the server
 * announced a Content-Length, the bytes are copied once into a preallocated array and a body
 * that ends early or runs long is an error: a truncated read must never look like a short object.
 */
export async function readBody(body: unknown, contentLength: number | undefined): Promise<Uint8Array> {
  if (body === undefined || body === null) {
    if (contentLength === undefined || contentLength === 0) return new Uint8Array(0);
    throw new Error(`response had no body but announced ${contentLength} bytes`);
  }
  if (!isAsyncIterable(body)) throw new Error('response body is not a readable stream');
  if (contentLength !== undefined) {
    const out = new Uint8Array(contentLength);
    let filled = 0;
    for await (const chunk of body) {
      const bytes = chunk as Uint8Array;
      if (filled + bytes.length > contentLength) {
        throw new Error(`response body is longer than the announced ${contentLength} bytes`);
      }
      out.set(bytes, filled);
      filled += bytes.length;
    }
    if (filled !== contentLength) {
      throw new Error(`response body ended after ${filled} of ${contentLength} bytes`);
    }
    return out;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Uint8Array);
    total += (chunk as Uint8Array).length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Sends `command` and also returns the HTTP Date header of the (last attempt's) response in
 * milliseconds since the epoch, or undefined when absent. PutObject and CompleteMultipartUpload
 * do not return Last-Modified; the server's Date of the answer is within a second of it and,
 * unlike our own clock, on the same clock as the Last-Modified that head and list report.
 */
export async function sendWithDate<Output>(
  client: S3Client,
  // The SDK's command types are deeply generic; the method call below is what matters here.
  command: { middlewareStack: { add: (...args: never[]) => void } },
): Promise<{ output: Output; date: number | undefined }> {
  let date: number | undefined;
  const capture = (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
    const result = await next(args);
    const headers = (result.response as { headers?: Record<string, string> } | undefined)?.headers;
    const parsed = headers?.date === undefined ? Number.NaN : Date.parse(headers.date);
    if (Number.isFinite(parsed)) date = parsed;
    return result;
  };
  (command.middlewareStack.add as (m: unknown, o: unknown) => void)(capture, {
    step: 'deserialize',
    name: 'quiverCaptureResponseDate',
  });
  const output = (await client.send(command as never)) as Output;
  return { output, date };
}

/** An ETag without the surrounding quotes S3 puts around it (and without a weak marker). */
export function normalizeEtag(etag: string | undefined): string {
  if (etag === undefined) return '';
  return etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

/** The ETag S3 gives a single-part upload without SSE-KMS: the hex MD5 of the body. */
export function singlePartEtag(body: Uint8Array): string {
  return createHash('md5').update(body).digest('hex');
}

/**
 * The ETag S3 gives a completed multipart upload: MD5 of the concatenated binary MD5s of the
 * parts, then "-<part count>". Undefined when a part ETag is not a plain MD5 (encrypted stores).
 */
export function multipartEtag(partEtags: readonly string[]): string | undefined {
  const hash = createHash('md5');
  for (const etag of partEtags) {
    const hex = normalizeEtag(etag);
    if (!/^[0-9a-f]{32}$/i.test(hex)) return undefined;
    hash.update(Buffer.from(hex, 'hex'));
  }
  return `${hash.digest('hex')}-${partEtags.length}`;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
