/**
 * The Node body reader: reads the request straight from Node's IncomingMessage. Building a web
 * `Request` with a `ReadableStream` around the socket (what a portable reader needs) cost more
 * than the rest of a small search request, so the Node entry point uses this instead.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { bodyTooLarge, checkDeclaredLength, readWebBody, type BodyReader } from '../request-body.ts';

/** Reads `incoming` whole as UTF-8, failing with 413 (1100) once more than `maxBytes` arrived. */
export function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  checkDeclaredLength(incoming.headers['content-length'], maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop buffering; the server drains or closes the connection after the 413 answer.
        incoming.resume();
        reject(bodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}

/**
 * Body reader for apps served by @hono/node-server, which passes the IncomingMessage as
 * `c.env.incoming`; falls back to the portable reader when it is absent (e.g. `app.request`).
 */
export const nodeBodyReader: BodyReader = (c: Context, maxBytes: number) => {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableEnded) return readWebBody(c, maxBytes);
  return readIncoming(incoming, maxBytes);
};
