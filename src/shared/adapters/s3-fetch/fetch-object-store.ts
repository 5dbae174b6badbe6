/**
 * ObjectStore over S3's REST API with `fetch` and SigV4 (Web Crypto): the object store of
 * runtimes without Node (Cloudflare Workers). Same key layout as the SDK adapter (adapters/s3):
 * port key `k` is the object `<prefix>k`, and `.quiver-internal/` under the prefix is hidden, so
 * both adapters read each other's objects.
 *
 * Failure semantics: a missing object is ObjectNotFoundError (get) or null (head); a refused
 * create-only put is ObjectExistsError (If-None-Match: *, decided by the server; stores that
 * ignore the header cannot give that guarantee); anything else the server refuses, a network
 * failure or a request over `timeoutMs` is ObjectStoreUnavailableError, whose message names the
 * operation, key, HTTP status and S3 error code, never a credential. Invalid keys throw a plain
 * Error before any request. Single PUTs only (S3 accepts up to 5 GiB): the edge writes only
 * claim checks of at most a request body.
 */
import {
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  isValidObjectKey,
  type ByteRange,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from '../../ports/object-store.ts';
import { errorCode, normalizeEtag, parseListPage } from './list-xml.ts';
import { sha256Hex, signS3Request, uriEncode } from './sigv4.ts';

export interface FetchS3Options {
  /** Endpoint URL of an S3-compatible store; omitted = AWS (https://s3.<region>.amazonaws.com). */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  /** Secret: never logged, never part of an error message. */
  secretAccessKey: string;
  /** Path-style addressing (http://host/bucket/key), for MinIO and most self-hosted stores. */
  forcePathStyle: boolean;
  /** Prefix of every object name, as in the SDK adapter. */
  prefix?: string;
  /** Longest a single request may take, ms (default 30000). */
  timeoutMs?: number;
  /** Injected for tests; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, for request dates. */
  now?: () => number;
}

const RESERVED_PREFIX = '.quiver-internal/';
const MAX_S3_KEY_BYTES = 1024;
// eslint-disable-next-line no-control-regex -- listings are XML 1.0, which cannot carry these
const CONTROL_CHARACTER = /[\u0000-\u001f]/;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const encoder = new TextEncoder();

function isWellFormed(text: string): boolean {
  return new TextDecoder().decode(encoder.encode(text)) === text;
}

function compareUtf8(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

class FetchS3ObjectStore implements ObjectStore {
  private readonly base: URL;
  private readonly bucketPath: string;
  private readonly prefix: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly o: FetchS3Options) {
    const endpoint = o.endpoint ?? `https://s3.${o.region}.amazonaws.com`;
    const url = new URL(endpoint);
    if (!o.forcePathStyle) url.hostname = `${o.bucket}.${url.hostname}`;
    this.base = url;
    this.bucketPath = o.forcePathStyle ? `/${uriEncode(o.bucket, false)}` : '';
    this.prefix = o.prefix ?? '';
    this.fetchFn = o.fetch ?? ((input, init) => fetch(input, init));
    this.now = o.now ?? Date.now;
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    const name = this.objectName(key);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (options.ifNoneMatch) headers['if-none-match'] = '*';
    const res = await this.send('PUT', this.objectUrl(name), `put ${key}`, { headers, body });
    if (res.status === 412) throw new ObjectExistsError(key);
    await this.expectOk(res, `put ${key}`);
    return { key, size: body.byteLength, etag: normalizeEtag(res.headers.get('etag')), lastModified: this.now() };
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const name = this.objectName(key);
    const headers: Record<string, string> = {};
    if (range) {
      if (range.length <= 0) {
        if ((await this.head(key)) === null) throw new ObjectNotFoundError(key);
        return new Uint8Array(0);
      }
      headers.range = `bytes=${range.offset}-${range.offset + range.length - 1}`;
    }
    const res = await this.send('GET', this.objectUrl(name), `get ${key}`, { headers });
    if (res.status === 404) throw new ObjectNotFoundError(key);
    // A range starting at or past the end: the object exists, the slice is empty.
    if (res.status === 416) return new Uint8Array(0);
    await this.expectOk(res, `get ${key}`);
    return new Uint8Array(await res.arrayBuffer());
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const name = this.objectName(key);
    const res = await this.send('HEAD', this.objectUrl(name), `head ${key}`);
    if (res.status === 404) return null;
    await this.expectOk(res, `head ${key}`);
    const modified = Date.parse(res.headers.get('last-modified') ?? '');
    return {
      key,
      size: Number(res.headers.get('content-length') ?? 0),
      etag: normalizeEtag(res.headers.get('etag')),
      lastModified: Number.isFinite(modified) ? modified : 0,
    };
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    if (typeof prefix !== 'string') throw new Error(`list prefix must be a string, got ${typeof prefix}`);
    if (prefix.startsWith('/') || prefix.includes('\0') || !isWellFormed(prefix)) return [];
    const out: ObjectInfo[] = [];
    let token: string | null = null;
    do {
      const url = new URL(this.base);
      url.pathname = this.bucketPath || '/';
      url.searchParams.set('list-type', '2');
      url.searchParams.set('prefix', this.prefix + prefix);
      if (token !== null) url.searchParams.set('continuation-token', token);
      const res = await this.send('GET', url, `list ${JSON.stringify(prefix)}`);
      await this.expectOk(res, `list ${JSON.stringify(prefix)}`);
      const page = parseListPage(await res.text());
      for (const o of page.objects) {
        if (!o.name.startsWith(this.prefix)) continue;
        const key = o.name.slice(this.prefix.length);
        if (key.startsWith(RESERVED_PREFIX) || !isValidObjectKey(key)) continue;
        out.push({ key, size: o.size, etag: o.etag, lastModified: o.lastModified });
      }
      token = page.next;
    } while (token !== null);
    return out.sort((a, b) => compareUtf8(a.key, b.key));
  }

  async delete(key: string): Promise<void> {
    const name = this.objectName(key);
    const res = await this.send('DELETE', this.objectUrl(name), `delete ${key}`);
    if (res.status === 404) return;
    await this.expectOk(res, `delete ${key}`);
  }

  async close(): Promise<void> {
    // Stateless: every call is its own fetch.
  }

  /** The object name of a port key; throws a plain Error for a key the port or S3 refuses. */
  private objectName(key: unknown): string {
    if (typeof key !== 'string') throw new Error(`invalid object key: must be a string, got ${typeof key}`);
    if (!isValidObjectKey(key)) {
      throw new Error(
        `invalid object key ${JSON.stringify(key.slice(0, 100))}: must be 1-1024 characters, must not ` +
          'start with "/", contain NUL, or have an empty, "." or ".." segment',
      );
    }
    if (!isWellFormed(key)) throw new Error(`invalid object key ${JSON.stringify(key)}: must be well-formed Unicode`);
    if (CONTROL_CHARACTER.test(key)) throw new Error(`invalid object key ${JSON.stringify(key)}: must not contain control characters`);
    if (key.startsWith(RESERVED_PREFIX)) throw new Error(`invalid object key ${JSON.stringify(key)}: ${RESERVED_PREFIX} is reserved`);
    if (encoder.encode(this.prefix + key).length > MAX_S3_KEY_BYTES) {
      throw new Error(`invalid object key ${JSON.stringify(key.slice(0, 100))}: longer than ${MAX_S3_KEY_BYTES} UTF-8 bytes with the prefix`);
    }
    return this.prefix + key;
  }

  private objectUrl(name: string): URL {
    const url = new URL(this.base);
    url.pathname = `${this.bucketPath}/${uriEncode(name, true)}`;
    return url;
  }

  /** Signs and sends one request; network failures and timeouts become ObjectStoreUnavailableError. */
  private async send(
    method: string,
    url: URL,
    what: string,
    init: { headers?: Record<string, string>; body?: Uint8Array } = {},
  ): Promise<Response> {
    const payloadHash = init.body ? await sha256Hex(init.body) : EMPTY_SHA256;
    const signed = await signS3Request(method, url, payloadHash, this.o, this.now());
    try {
      return await this.fetchFn(url.toString(), {
        method,
        headers: { ...init.headers, ...signed },
        body: init.body as Uint8Array<ArrayBuffer> | undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      throw new ObjectStoreUnavailableError(`s3 object store ${what} failed: ${reason}`, { cause: err });
    }
  }

  private async expectOk(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    const text = await res.text().catch(() => '');
    const code = errorCode(text);
    throw new ObjectStoreUnavailableError(`s3 object store ${what} failed: HTTP ${res.status}${code ? ` (${code})` : ''}`);
  }
}

/** An ObjectStore over S3's REST API with fetch; no request is made until the first call. */
export function openFetchS3ObjectStore(options: FetchS3Options): ObjectStore {
  if (!options.bucket) throw new Error('s3 bucket is required');
  return new FetchS3ObjectStore(options);
}
