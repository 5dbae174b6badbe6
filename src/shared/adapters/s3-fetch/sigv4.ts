/**
 * AWS Signature Version 4 for S3 requests, on Web Crypto only, so the object store can run where
 * the AWS SDK cannot (Cloudflare Workers: the SDK's browser build needs DOMParser). Signs the
 * host, x-amz-content-sha256 and x-amz-date headers; the payload hash is the real SHA-256 of
 * the body (servers verify it), never UNSIGNED-PAYLOAD.
 */

export interface SigV4Credentials {
  accessKeyId: string;
  /** Secret: used only as HMAC key material, never put into a header, URL or message. */
  secretAccessKey: string;
  region: string;
}

const encoder = new TextEncoder();

function toHex(bytes: ArrayBuffer): string {
  const view = new Uint8Array(bytes);
  let out = '';
  for (let i = 0; i < view.length; i++) out += view[i].toString(16).padStart(2, '0');
  return out;
}

/** Hex SHA-256 of the bytes. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

async function hmac(key: Uint8Array | ArrayBuffer, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as ArrayBuffer, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data));
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters (and '/' in paths). */
export function uriEncode(text: string, keepSlash: boolean): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** The canonical query string: pairs sorted by encoded name, then value. */
function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([k, v]) => [uriEncode(k, false), uriEncode(v, false)] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** YYYYMMDD'T'HHMMSS'Z' of the instant. */
function amzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Headers (x-amz-date, x-amz-content-sha256, authorization) to add to a request for `url`
 * whose path is already URI-encoded the way SigV4 expects. `payloadHash` is sha256Hex(body).
 */
export async function signS3Request(
  method: string,
  url: URL,
  payloadHash: string,
  credentials: SigV4Credentials,
  nowMs: number,
): Promise<Record<string, string>> {
  const date = amzDate(nowMs);
  const day = date.slice(0, 8);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': date,
  };
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [method, url.pathname, canonicalQuery(url), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${credentials.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, await sha256Hex(encoder.encode(canonicalRequest))].join('\n');
  let key = await hmac(encoder.encode(`AWS4${credentials.secretAccessKey}`), day);
  key = await hmac(key, credentials.region);
  key = await hmac(key, 's3');
  key = await hmac(key, 'aws4_request');
  const signature = toHex(await hmac(key, stringToSign));
  return {
    'x-amz-date': date,
    'x-amz-content-sha256': payloadHash,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
