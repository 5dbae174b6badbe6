/**
 * Milvus REST v2 calls through the balancer, each with a server deadline (Request-Timeout) and a
 * longer client deadline, classified the way the checker needs: acknowledged, failed with a clear
 * error, or ambiguous (no answer that says what happened).
 */
import type { Outcome } from './history.ts';

/** Seconds quiver may take before it answers with an error (Request-Timeout header). */
export const SERVER_DEADLINE_S = 20;
/** Client-side bound; reaching it makes the request ambiguous. */
export const CLIENT_TIMEOUT_MS = 35_000;

export interface Answer {
  outcome: Outcome;
  status: number;
  code?: number;
  message?: string;
  data?: unknown;
  /** Quiver-Session-Token of a write. */
  token?: string;
  /** Short reason of a failed or ambiguous answer, for the report's tallies. */
  reason?: string;
}

/**
 * POSTs `body` to `<base>/v2/vectordb/<path>`; never throws. A JSON answer with a code is acked
 * (code 0) or failed (any other code, whatever the HTTP status); an HTTP 5xx without quiver's
 * JSON (a gateway page from nginx: the proxy's connection broke, or it timed out) and a
 * transport error are ambiguous.
 */
export async function call(base: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(`${base}/v2/vectordb/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Request-Timeout': String(SERVER_DEADLINE_S), ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await res.text();
    let json: { code?: number; message?: string; data?: unknown } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json && typeof json.code === 'number') {
      if (json.code === 0) return { outcome: 'acked', status: res.status, code: 0, data: json.data, token: res.headers.get('quiver-session-token') ?? undefined };
      return { outcome: 'failed', status: res.status, code: json.code, message: json.message, reason: `code ${json.code} (HTTP ${res.status})` };
    }
    return { outcome: 'ambiguous', status: res.status, message: text.slice(0, 200), reason: `HTTP ${res.status} without a quiver answer` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? 'client timeout' : (e.cause?.code ?? e.name);
    return { outcome: 'ambiguous', status: 0, message: String(err), reason };
  }
}
