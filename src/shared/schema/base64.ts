/**
 * Standard base64 (RFC 4648 §4) for Uint8Array. Needs no Buffer, so it also runs on Workers, but
 * decodes with the runtime's Buffer where there is one.
 * Milvus carries BinaryVector, Float16Vector and BFloat16Vector values as base64 of their raw
 * bytes (Go's encoding of []byte), in both directions.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Sextet value of each ASCII code, -1 for characters outside the alphabet. Never written after. */
const DECODE: readonly number[] = (() => {
  const table = new Array<number>(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  // Accept the URL-safe alphabet too: it is unambiguous and some clients produce it.
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

/** Encodes bytes as padded standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out +=
      ALPHABET[v >>> 18] + ALPHABET[(v >>> 12) & 63] + ALPHABET[(v >>> 6) & 63] + ALPHABET[v & 63];
  }
  if (i < n) {
    const b1 = i + 1 < n ? bytes[i + 1] : 0;
    const v = (bytes[i] << 16) | (b1 << 8);
    out += ALPHABET[v >>> 18] + ALPHABET[(v >>> 12) & 63];
    out += i + 1 < n ? ALPHABET[(v >>> 6) & 63] + '=' : '==';
  }
  return out;
}

/**
 * Decodes base64 (standard or URL-safe alphabet, padding optional). Returns null when `text` is
 * not base64: a character outside the alphabet, misplaced padding, or an impossible length.
 */
export function decodeBase64(text: string): Uint8Array | null {
  return decodeWithBuffer(text) ?? decodePortable(text);
}

/** What decodeWithBuffer needs of Node's Buffer (present on Node and Workers with nodejs_compat). */
interface BufferLike {
  from(text: string, encoding: 'base64'): Uint8Array & { toString(encoding: 'base64'): string };
}

/**
 * The runtime's native decoder, when there is one: ~6× faster than the loop below, which
 * matters for vectors sent as base64 (one per inserted row). Node's decoder skips characters
 * outside the alphabet instead of failing, so its result is only used when re-encoding gives
 * back `text` exactly (canonical padded base64); anything else goes to the strict loop.
 */
function decodeWithBuffer(text: string): Uint8Array | null {
  const native = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (native === undefined || text.length % 4 !== 0) return null;
  const bytes = native.from(text, 'base64');
  // A plain Uint8Array view, so callers see the same type whichever decoder ran.
  return bytes.toString('base64') === text ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : null;
}

function decodePortable(text: string): Uint8Array | null {
  let end = text.length;
  // Strip at most two '=' of padding; padding is only valid on a multiple of 4 characters.
  if (end > 0 && text.charCodeAt(end - 1) === 61) {
    if (end % 4 !== 0) return null;
    end--;
    if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  }
  const rest = end % 4;
  if (rest === 1) return null;
  const out = new Uint8Array(((end >>> 2) * 3) + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (; i + 3 < end; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (rest >= 2) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = rest === 3 ? sextet(text, i + 2) : 0;
    if ((a | b | c) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >>> 16;
    if (rest === 3) out[o++] = (v >>> 8) & 0xff;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code < 128 ? DECODE[code] : -1;
}
