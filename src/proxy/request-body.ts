/**
 * Reading a request body as text under the configured size limit. The app takes the reader as
 * a parameter because the cheapest way to read differs by runtime: on Node the entry point
 * reads the socket stream directly (see node/incoming-body.ts), while the portable reader here
 * goes through the web `Request` that every runtime provides.
 */
import type { Context } from 'hono';
import { ErrorCode, QuiverError } from '../shared/errors.ts';

/** Reads the whole body of `c` as UTF-8; rejects with {@link bodyTooLarge} past `maxBytes`. */
export type BodyReader = (c: Context, maxBytes: number) => Promise<string>;

/** The 413 answer for a body over the limit (Milvus envelope, code 1100). */
export function bodyTooLarge(maxBytes: number): QuiverError {
  return new QuiverError(ErrorCode.InvalidParameter, `request body too large: the limit is ${maxBytes} bytes`, {
    httpStatus: 413,
  });
}

/**
 * A declared Content-Length over the limit, checked before reading anything so an oversized
 * upload is refused without buffering it. Returns normally when absent or within the limit.
 */
export function checkDeclaredLength(header: string | undefined, maxBytes: number): void {
  if (header === undefined) return;
  const declared = Number(header);
  if (Number.isFinite(declared) && declared > maxBytes) throw bodyTooLarge(maxBytes);
}

/**
 * Portable reader over the web `Request` stream. Counts bytes as they arrive, so a chunked
 * body without Content-Length is cut off at the limit instead of being buffered whole.
 */
export const readWebBody: BodyReader = async (c, maxBytes) => {
  checkDeclaredLength(c.req.header('content-length'), maxBytes);
  const stream = c.req.raw.body;
  if (!stream) return '';
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
};
