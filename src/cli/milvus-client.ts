/**
 * A small Milvus REST v2 client for the command-line tools: POSTs JSON to /v2/vectordb/<path>,
 * unwraps the `{code, data}` envelope and retries transient failures (connection errors, HTTP
 * 408/429/5xx, Milvus codes for timeouts, rate limits and unavailable backends) with
 * exponential backoff.
 */
import { z } from 'zod';
import { CommandError } from './usage.ts';

/** Milvus codes worth sending again: timeout (2), rate limited (1807), unavailable (2201). */
const RETRYABLE_CODES = new Set([2, 1807, 2201]);
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

const envelopeSchema = z.object({
  code: z.number(),
  message: z.string().optional(),
  data: z.unknown().optional(),
});

/** The server answered with a non-zero Milvus code. */
export class MilvusError extends CommandError {
  constructor(
    readonly path: string,
    readonly code: number,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`${path}: ${message} (code ${code})`);
    this.name = 'MilvusError';
  }
}

export interface ClientOptions {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:19530. */
  url: string;
  db?: string;
  /** "user:password" or an API key, sent as a Bearer token. */
  token?: string;
  /** Attempts per request including the first (default 8). */
  attempts?: number;
  /** First backoff pause, ms (doubles per attempt, capped at 5 s; default 200). */
  backoffMs?: number;
  /** Called before each retry, for the progress display. */
  onRetry?: (path: string, attempt: number, error: Error) => void;
}

export class MilvusClient {
  readonly url: string;
  readonly db: string | undefined;

  constructor(private readonly o: ClientOptions) {
    this.url = o.url;
    this.db = o.db;
  }

  /**
   * POSTs `body` (plus dbName when a database was chosen) and returns the envelope's `data`.
   * Rejects with MilvusError for a non-zero code (after retries when it is transient) and with
   * CommandError when the server stays unreachable.
   */
  async post(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<unknown> {
    const attempts = this.o.attempts ?? 8;
    let pause = this.o.backoffMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(path, body, headers);
      } catch (err) {
        const retryable = err instanceof MilvusError ? err.retryable : !(err instanceof CommandError);
        if (!retryable || attempt >= attempts) {
          if (err instanceof CommandError) throw err;
          throw new CommandError(`${path}: cannot reach ${this.url}: ${describe(err)}`, { cause: err });
        }
        this.o.onRetry?.(path, attempt, err as Error);
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(5000, pause * 2);
      }
    }
  }

  /** GETs a JSON document outside the Milvus envelope; null when the server answers 404. */
  async getJson(path: string): Promise<unknown> {
    const res = await fetch(`${this.url}${path}`, { headers: this.headers({}) });
    if (res.status === 404) return null;
    const text = await res.text();
    if (!res.ok) throw new CommandError(`GET ${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new CommandError(`GET ${path}: the answer is not JSON`);
    }
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (this.o.token) h.authorization = `Bearer ${this.o.token}`;
    return h;
  }

  private async once(path: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<unknown> {
    const payload = this.db !== undefined && body.dbName === undefined ? { dbName: this.db, ...body } : body;
    const res = await fetch(`${this.url}/v2/vectordb/${path}`, {
      method: 'POST',
      headers: this.headers(headers),
      body: JSON.stringify(payload),
    });
    const text = await res.text();
    let parsed: z.infer<typeof envelopeSchema> | null = null;
    try {
      const r = envelopeSchema.safeParse(JSON.parse(text));
      if (r.success) parsed = r.data;
    } catch {
      // Not JSON (a proxy's HTML error page): judged by the HTTP status below.
    }
    if (parsed === null) {
      const message = `HTTP ${res.status}: ${text.slice(0, 200)}`;
      throw new MilvusError(path, res.status, message, RETRYABLE_STATUS.has(res.status));
    }
    if (parsed.code !== 0) {
      const retryable = RETRYABLE_CODES.has(parsed.code) || RETRYABLE_STATUS.has(res.status);
      throw new MilvusError(path, parsed.code, parsed.message ?? 'request failed', retryable);
    }
    return parsed.data;
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The parts of collections/describe the tools use. */
export const describedCollectionSchema = z.object({
  collectionName: z.string(),
  collectionID: z.number().optional(),
  autoId: z.boolean().optional(),
  enableDynamicField: z.boolean().optional(),
  shardsNum: z.number().optional(),
  load: z.string().optional(),
  fields: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      primaryKey: z.boolean().optional(),
      autoId: z.boolean().optional(),
      nullable: z.boolean().optional(),
      elementType: z.string().optional(),
      params: z.array(z.object({ key: z.string(), value: z.unknown() })).optional(),
    }),
  ),
});
export type DescribedCollection = z.infer<typeof describedCollectionSchema>;

/** Describes a collection; CommandError when the answer does not have the expected shape. */
export async function describeCollection(client: MilvusClient, collectionName: string): Promise<DescribedCollection> {
  const data = await client.post('collections/describe', { collectionName });
  const r = describedCollectionSchema.safeParse(data);
  if (!r.success) throw new CommandError(`collections/describe: unexpected answer: ${r.error.message}`);
  return r.data;
}

/** The primary key field of a described collection. */
export function primaryKeyOf(c: DescribedCollection): DescribedCollection['fields'][number] {
  const pk = c.fields.find((f) => f.primaryKey);
  if (!pk) throw new CommandError(`collection ${c.collectionName} has no primary key field`);
  return pk;
}
