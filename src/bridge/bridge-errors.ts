/**
 * Answers and errors of the bridge in the Strimzi Kafka Bridge's shapes: every body is
 * `application/vnd.kafka.v2+json`, every error `{"error_code": <HTTP status>, "message": "..."}`.
 * Log port failures become statuses the bridge Log adapter (adapters/kafka-bridge) maps back to
 * the same LogError kinds the native Kafka adapter raises.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { LogError } from '../shared/ports/log.ts';

/** The content type of every answer, as the Strimzi bridge sends it. */
export const BRIDGE_CONTENT_TYPE = 'application/vnd.kafka.v2+json';

/** The only embedded format this bridge accepts for produce requests. */
export const BINARY_FORMAT = 'application/vnd.kafka.binary.v2+json';

/** The error document of the bridge API. */
export interface BridgeErrorBody {
  error_code: number;
  message: string;
}

/**
 * A request the bridge refuses, answered as `{error_code: status, message}` with that HTTP
 * status: 400 for a malformed request (JSON, shape, parameters), 413 for a body over the limit,
 * 415 for an embedded format other than binary, 422 for well-formed records the bridge cannot
 * produce (no partition, a negative one, bad base64, headers, timestamps, null values).
 */
export class BridgeRequestError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeRequestError';
  }
}

/** A JSON answer with the bridge's content type. */
export function bridgeJson(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': BRIDGE_CONTENT_TYPE });
}

/** 204 with neither body nor content type, as the Strimzi bridge answers /healthy and /ready. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** The error answer `{error_code: status, message}` with HTTP status `status`. */
export function bridgeErrorAnswer(c: Context, status: ContentfulStatusCode, message: string): Response {
  return bridgeJson(c, { error_code: status, message } satisfies BridgeErrorBody, status);
}

/**
 * The status for a failed produce of a record: 404 unknown topic (as Strimzi), 413 record over
 * log.maxRecordBytes, 422 anything the log refused as invalid (a partition the topic does not
 * have, an illegal topic name), 503 Kafka unreachable or the bridge shutting down. The bridge
 * Log adapter turns these into 'unknown-topic', 'too-large', 'invalid' and 'unavailable'.
 */
export function produceErrorStatus(kind: LogError['kind']): ContentfulStatusCode {
  switch (kind) {
    case 'unknown-topic':
      return 404;
    case 'too-large':
      return 413;
    case 'invalid':
      return 422;
    default:
      return 503;
  }
}

/**
 * The status for a failed offsets lookup: a topic or partition that does not exist is 404 (as
 * Strimzi answers both), Kafka unreachable or the bridge shutting down 503.
 */
export function offsetsErrorStatus(kind: LogError['kind']): ContentfulStatusCode {
  return kind === 'unknown-topic' || kind === 'invalid' ? 404 : 503;
}
