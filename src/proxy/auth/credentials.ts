/**
 * Reading credentials from the Authorization header, the ways Milvus clients send them:
 *
 * - `Bearer <user>:<password>` (the Milvus SDKs' `token: 'user:password'`, or username/password);
 * - `Bearer <api key>` (a token without ':');
 * - `Basic <base64(user:password)>` (HTTP Basic).
 *
 * The user name ends at the first ':'; the password may contain ':'.
 */

export type Credentials =
  | { kind: 'password'; user: string; password: string }
  | { kind: 'apiKey'; key: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

function splitUserPassword(text: string): Credentials | null {
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  return { kind: 'password', user: text.slice(0, colon), password: text.slice(colon + 1) };
}

function decodeBasic(encoded: string): string | null {
  try {
    const binary = atob(encoded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * The credentials in an Authorization header value; null when it is absent, empty, of another
 * scheme, or malformed (all of which answer 401 when auth is on).
 */
export function parseAuthorization(header: string | undefined): Credentials | null {
  if (header === undefined) return null;
  const value = header.trim();
  const space = value.indexOf(' ');
  if (space < 0) return null;
  const scheme = value.slice(0, space).toLowerCase();
  const rest = value.slice(space + 1).trim();
  if (rest === '') return null;
  if (scheme === 'bearer') {
    return rest.includes(':') ? splitUserPassword(rest) : { kind: 'apiKey', key: rest };
  }
  if (scheme === 'basic') {
    const text = decodeBasic(rest);
    return text === null ? null : splitUserPassword(text);
  }
  return null;
}
