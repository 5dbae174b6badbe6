/**
 * IEEE 754 half precision (f16) and bfloat16 (bf16) conversions to and from f32.
 *
 * quiver keeps Float16Vector and BFloat16Vector columns widened to f32 (see VectorColumn), so a
 * value is rounded to the 16-bit format once on input and widened exactly; narrowing it again on
 * output gives back the very bits the client sent. Narrowing rounds to nearest, ties to even,
 * like hardware conversions and Milvus's own converters.
 *
 * Bulk helpers work on the bit patterns through a Uint32Array view of the f32 buffer, so they need
 * no scratch memory; the scalar helpers allocate a one-element view per call and are meant for
 * cold paths (defaults, tests).
 */

/** Bits of +Infinity in f16; also the mask of the f16 exponent. */
const F16_INF = 0x7c00;

/** Rounds the f32 bit pattern `x` to the nearest f16 bit pattern (ties to even). */
export function f32BitsToF16Bits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) {
    // Keep NaN a (quiet) NaN; Infinity stays Infinity.
    return mant !== 0 ? sign | F16_INF | 0x200 | (mant >>> 13) : sign | F16_INF;
  }
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | F16_INF;
  if (e <= 0) {
    // Result is subnormal or zero: anything below half the smallest subnormal rounds to zero.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    const r = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    // A carry out of the mantissa correctly produces the smallest normal number.
    return sign | (rem > half || (rem === half && (r & 1) === 1) ? r + 1 : r);
  }
  const r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry may ripple into the exponent, up to Infinity; that is the correct rounding.
  return sign | (rem > 0x1000 || (rem === 0x1000 && (r & 1) === 1) ? r + 1 : r);
}

/** Widens the f16 bit pattern `h` to the (exactly equal) f32 bit pattern. */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0) {
    if (mant === 0) return sign >>> 0;
    // Subnormal: normalise into an f32 normal number.
    let e = 1;
    while ((mant & 0x400) === 0) {
      mant <<= 1;
      e--;
    }
    return (sign | ((e + 112) << 23) | ((mant & 0x3ff) << 13)) >>> 0;
  }
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
}

/** Rounds the f32 bit pattern `x` to the nearest bf16 bit pattern (ties to even). */
export function f32BitsToBf16Bits(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
    return ((x >>> 16) | 0x40) & 0xffff; // quiet NaN, never rounded into Infinity
  }
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Widens the bf16 bit pattern `h` to the f32 bit pattern. */
export function bf16BitsToF32Bits(h: number): number {
  return (h << 16) >>> 0;
}

/** Nearest f16 value to `v` (after rounding `v` to f32 first, as clients send f32), as bits. */
export function float32ToFloat16Bits(v: number): number {
  const f = new Float32Array([v]);
  return f32BitsToF16Bits(new Uint32Array(f.buffer)[0]);
}

/** The number an f16 bit pattern stands for. */
export function float16BitsToFloat32(h: number): number {
  const u = new Uint32Array([f16BitsToF32Bits(h)]);
  return new Float32Array(u.buffer)[0];
}

/** Nearest bf16 value to `v` (rounded to f32 first), as bits. */
export function float32ToBFloat16Bits(v: number): number {
  const f = new Float32Array([v]);
  return f32BitsToBf16Bits(new Uint32Array(f.buffer)[0]);
}

/** The number a bf16 bit pattern stands for. */
export function bfloat16BitsToFloat32(h: number): number {
  const u = new Uint32Array([bf16BitsToF32Bits(h)]);
  return new Float32Array(u.buffer)[0];
}

/** Which 16-bit float format a Float16Vector / BFloat16Vector uses. */
export type HalfFormat = 'f16' | 'bf16';

/** Bit view of an f32 buffer, for the bulk helpers below (create it once per column). */
export function f32Bits(data: Float32Array): Uint32Array {
  return new Uint32Array(data.buffer, data.byteOffset, data.length);
}

/**
 * Rounds the f32 values behind bits[start, end) in place to the nearest value of `format` (the
 * result is still f32). Returns the index of the first element that is or became non-finite (it
 * overflowed the format), or -1. Elements after that index are left as they were.
 */
export function roundToHalfInPlace(
  bits: Uint32Array,
  start: number,
  end: number,
  format: HalfFormat,
): number {
  for (let i = start; i < end; i++) {
    const w =
      format === 'f16'
        ? f16BitsToF32Bits(f32BitsToF16Bits(bits[i]))
        : bf16BitsToF32Bits(f32BitsToBf16Bits(bits[i]));
    if ((w & 0x7f800000) === 0x7f800000) return i;
    bits[i] = w;
  }
  return -1;
}

/**
 * Decodes `count` little-endian 16-bit floats from bytes[0, 2*count) into the f32 values behind
 * bits[offset, offset+count). Returns the index within the vector of the first non-finite
 * value (nothing after it is written), or -1.
 */
export function halfBytesToF32(
  bytes: Uint8Array,
  count: number,
  bits: Uint32Array,
  offset: number,
  format: HalfFormat,
): number {
  for (let i = 0; i < count; i++) {
    const h = bytes[2 * i] | (bytes[2 * i + 1] << 8);
    const w = format === 'f16' ? f16BitsToF32Bits(h) : bf16BitsToF32Bits(h);
    if ((w & 0x7f800000) === 0x7f800000) return i;
    bits[offset + i] = w;
  }
  return -1;
}

/**
 * Encodes the values behind bits[offset, offset+count) (already representable in `format`, as
 * the input path leaves them) as little-endian 16-bit floats: 2*count bytes.
 */
export function f32ToHalfBytes(
  bits: Uint32Array,
  offset: number,
  count: number,
  format: HalfFormat,
): Uint8Array {
  const out = new Uint8Array(2 * count);
  for (let i = 0; i < count; i++) {
    const x = bits[offset + i];
    const h = format === 'f16' ? f32BitsToF16Bits(x) : f32BitsToBf16Bits(x);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}
