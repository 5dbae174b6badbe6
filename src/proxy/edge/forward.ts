/**
 * Sending a request on to the Node read tier unchanged: same path, body and headers
 * (authorization, DB-Name, Request-Timeout, Accept-Type-Allow-Int64, Quiver-Session-Token …),
 * and its answer back unchanged (status, body, session token). The Node proxy authenticates,
 * validates and answers exactly as if the client had called it directly.
 */
import { ErrorCode } from '../../shared/errors.ts';

/** Headers that describe one hop, not the request (RFC 9110 §7.6.1), plus those fetch sets itself. */
const HOP_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

export interface ForwardOptions {
  /** Base URL of the Node tier, e.g. https://quiver.internal:19530. */
  target: string;
  fetch: typeof fetch;
}

/** The request's path and query on the target. */
export function targetUrl(target: string, requestUrl: string): string {
  const from = new URL(requestUrl);
  return `${target.replace(/\/+$/, '')}${from.pathname}${from.search}`;
}

/**
 * Forwards `request` (with `body` instead of its own stream when the caller already read it).
 * A target that cannot be reached answers HTTP 503 with code 2201, as the Node proxy does for
 * its own unavailable dependencies.
 */
export async function forwardRequest(request: Request, o: ForwardOptions, body?: string): Promise<Response> {
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  let upstream: Response;
  try {
    upstream = await o.fetch(targetUrl(o.target, request.url), {
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : (body ?? (await request.text())),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return Response.json(
      { code: ErrorCode.ServiceUnavailable, message: `read tier unavailable: ${reason}` },
      { status: 503 },
    );
  }
  const answer = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!HOP_HEADERS.has(name.toLowerCase()) && name.toLowerCase() !== 'content-encoding') answer.set(name, value);
  });
  return new Response(upstream.body, { status: upstream.status, headers: answer });
}
