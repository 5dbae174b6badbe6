/** f16 / bf16 conversions against known bit patterns, and base64 against Node's Buffer. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64, encodeBase64 } from '../../../src/shared/schema/base64.ts';
import {
  bfloat16BitsToFloat32, f32Bits, f32ToHalfBytes, float16BitsToFloat32, float32ToBFloat16Bits,
  float32ToFloat16Bits, halfBytesToF32, roundToHalfInPlace,
} from '../../../src/shared/schema/float16.ts';

/** The number with f32 bit pattern `bits`. */
const f32 = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];

describe('float16', () => {
  it('narrows to the expected bit patterns (round to nearest, ties to even)', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [0.1, 0x2e66], [1 / 3, 0x3555],
      [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00], [-Infinity, 0xfc00], [Infinity, 0x7c00],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [3 * 2 ** -26, 0x0001], [2 ** -26, 0x0000],
      [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [1 + 2 ** -10, 0x3c01], [2 ** -14 - 2 ** -25, 0x0400],
      [1023 * 2 ** -24, 0x03ff], [-(2 ** -24), 0x8001],
    ];
    for (const [v, bits] of cases) {
      assert.equal(float32ToFloat16Bits(v).toString(16), bits.toString(16), `f16(${v})`);
    }
    assert.equal(float32ToFloat16Bits(NaN) & 0x7c00, 0x7c00);
    assert.notEqual(float32ToFloat16Bits(NaN) & 0x3ff, 0);
  });

  it('widens exactly', () => {
    const cases: [number, number][] = [
      [0x3c00, 1], [0xc000, -2], [0x7bff, 65504], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24],
      [0x0400, 2 ** -14], [0x2e66, 0.0999755859375], [0x8000, -0], [0x7c00, Infinity], [0xfc00, -Infinity],
    ];
    for (const [bits, v] of cases) assert.equal(float16BitsToFloat32(bits), v, `0x${bits.toString(16)}`);
    assert.ok(Number.isNaN(float16BitsToFloat32(0x7e00)));
  });

  it('round-trips every finite half bit pattern', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      assert.equal(float32ToFloat16Bits(float16BitsToFloat32(h)), h);
    }
  });
});

describe('bfloat16', () => {
  it('narrows with ties to even and keeps NaN a NaN', () => {
    const cases: [number, number][] = [
      [1, 0x3f80], [-2, 0xc000], [0.1, 0x3dcd], [3.140625, 0x4049], [f32(0x3f808000), 0x3f80], [f32(0x3f818000), 0x3f82],
      [f32(0x3f808001), 0x3f81], [f32(0x7f7fffff), 0x7f80], [Infinity, 0x7f80], [-0, 0x8000],
    ];
    for (const [v, bits] of cases) assert.equal(float32ToBFloat16Bits(v).toString(16), bits.toString(16), `bf16(${v})`);
    const nan = float32ToBFloat16Bits(f32(0x7f800001));
    assert.ok(Number.isNaN(bfloat16BitsToFloat32(nan)), 'a NaN with low payload bits stays NaN');
  });

  it('widens exactly', () => {
    assert.equal(bfloat16BitsToFloat32(0x3f80), 1);
    assert.equal(bfloat16BitsToFloat32(0x4049), 3.140625);
    assert.equal(bfloat16BitsToFloat32(0xc000), -2);
  });
});

describe('bulk helpers', () => {
  it('round a column in place and report overflow', () => {
    const data = new Float32Array([0.1, 1, 70000, 2]);
    const bits = f32Bits(data);
    assert.equal(roundToHalfInPlace(bits, 0, 2, 'f16'), -1);
    assert.deepEqual(Array.from(data.subarray(0, 2)), [0.0999755859375, 1]);
    assert.equal(roundToHalfInPlace(bits, 0, 4, 'f16'), 2);
    assert.equal(roundToHalfInPlace(bits, 0, 4, 'bf16'), -1);
    assert.equal(data[2], 70144);
  });

  it('decode and encode little-endian half bytes', () => {
    const bytes = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b]);
    const out = new Float32Array(5);
    assert.equal(halfBytesToF32(bytes, 3, f32Bits(out), 1, 'f16'), -1);
    assert.deepEqual(Array.from(out), [0, 1, -2, 65504, 0]);
    assert.deepEqual(f32ToHalfBytes(f32Bits(out), 1, 3, 'f16'), bytes);
    assert.equal(halfBytesToF32(new Uint8Array([0, 0x7c]), 1, f32Bits(out), 0, 'f16'), 0, 'Infinity is refused');
    const bf = new Uint8Array([0x80, 0x3f, 0x49, 0x40]);
    assert.equal(halfBytesToF32(bf, 2, f32Bits(out), 0, 'bf16'), -1);
    assert.deepEqual(Array.from(out.subarray(0, 2)), [1, 3.140625]);
    assert.deepEqual(f32ToHalfBytes(f32Bits(out), 0, 2, 'bf16'), bf);
  });
});

describe('base64', () => {
  it('matches Buffer for every length and byte value', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 0xff);
      const text = Buffer.from(bytes).toString('base64');
      assert.equal(encodeBase64(bytes), text);
      assert.deepEqual(decodeBase64(text), bytes);
      assert.deepEqual(decodeBase64(text.replace(/=+$/, '')), bytes, 'padding is optional');
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.equal(encodeBase64(all), Buffer.from(all).toString('base64'));
    assert.deepEqual(decodeBase64(Buffer.from(all).toString('base64url')), all, 'URL-safe alphabet');
  });

  it('refuses text that is not base64', () => {
    for (const text of ['a', 'ab=c', 'abc*', 'a===', '[1,2]', 'ÿÿÿÿ', 'ab==cd==', 'AA!A', 'AB C', 'AAA\n', '====']) {
      assert.equal(decodeBase64(text), null, text);
    }
  });

  it('decodes the same without a runtime Buffer (Workers)', () => {
    const texts = ['', 'AA==', 'AAE=', '+/+/', Buffer.from('vectors as bytes').toString('base64'), 'AB C', 'AA!A', '-_-_'];
    const withBuffer = texts.map((t) => decodeBase64(t));
    const saved = globalThis.Buffer;
    try {
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      assert.deepEqual(texts.map((t) => decodeBase64(t)), withBuffer);
    } finally {
      globalThis.Buffer = saved;
    }
    assert.ok(withBuffer.every((b) => b === null || Object.getPrototypeOf(b) === Uint8Array.prototype), 'plain Uint8Array either way');
  });
});
