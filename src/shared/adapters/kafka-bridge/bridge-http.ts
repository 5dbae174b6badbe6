/**
 * HTTP calls to the Strimzi Kafka Bridge and the translation of its answers into LogError:
 * a refused connection, a timeout or a 5xx is 'unavailable'; 404 for a topic is 'unknown-topic';
 * 422 and other 4xx are 'invalid'. Messages name the operation and the bridge's own error text,
 * never the authorization header.
 */
import { z } from 'zod';
import { LogError } from '../../ports/log.ts';

/** The error document of the bridge: {"error_code": 404, "message": "..."}. */
const bridgeErrorSchema = z.object({ error_code: z.number().optional(), message: z.string().optional() }).loose();

export interface BridgeHttpOptions {
  /** Base URL of the bridge, e.g. http://127.0.0.1:18080. */
  url: string;
  /** Sent as the Authorization header when set (a gateway in front of the bridge). Secret. */
  authorization?: string;
  /** Longest one call may take, ms. */
  timeoutMs: number;
  fetch: typeof fetch;
}

export class BridgeHttp {
  private readonly base: string;

  constructor(private readonly o: BridgeHttpOptions) {
    this.base = o.url.replace(/\/+$/, '');
  }

  /**
   * One call; resolves with the parsed JSON answer of a 2xx (null for 204), rejects LogError.
   * `what` names the operation in errors ("send to topic x").
   */
  async call(method: string, path: string, what: string, body?: { contentType: string; json: unknown }): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/vnd.kafka.v2+json, application/json' };
    if (this.o.authorization) headers.authorization = this.o.authorization;
    if (body) headers['content-type'] = body.contentType;
    let res: Response;
    try {
      res = await this.o.fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body ? JSON.stringify(body.json) : undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new LogError(`${what}: the Kafka bridge did not answer (${reason})`, 'unavailable', { cause: err });
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      if (text === '') return null;
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new LogError(`${what}: the Kafka bridge answered something that is not JSON`, 'unavailable', { cause: err });
      }
    }
    throw bridgeError(what, res.status, text);
  }
}

/** The LogError for a non-2xx answer of the bridge. */
export function bridgeError(what: string, status: number, text: string): LogError {
  let detail = text.slice(0, 300);
  try {
    const parsed = bridgeErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success && parsed.data.message) detail = parsed.data.message;
  } catch {
    // Not JSON: keep the raw text.
  }
  const message = `${what}: the Kafka bridge answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 404) return new LogError(message, 'unknown-topic');
  if (status === 413) return new LogError(message, 'too-large');
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return new LogError(message, 'invalid');
  return new LogError(message, 'unavailable');
}
