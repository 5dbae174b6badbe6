/**
 * Property test: random filters over random rows, checked against a direct reference
 * evaluation written independently of the compiler (three-valued logic over row objects).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/shared/filter/index.ts';
import { COLLECTION, toColumns, type Row } from './fixtures.ts';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** SQL truth value: true, false, or null for unknown. */
type Truth = boolean | null;
interface Gen {
  text: string;
  ref: (row: Row) => Truth;
}

const NAMES = ['pear', 'plum', 'apple', 'p_q', 'a%b', '', 'kiwi', 'Pear'];
const PATTERNS = ['p%', '%e', '%l%', 'p__r', '_', '%', 'a\\%b', 'p\\_q', 'k%i', 'pear'];

/** Reference LIKE by backtracking over code points, independent of like.ts. */
function refLike(value: string, pattern: string): boolean {
  const p: { lit?: string; any?: true; one?: true }[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === '\\' && i + 1 < chars.length) p.push({ lit: chars[++i] });
    else if (chars[i] === '%') p.push({ any: true });
    else if (chars[i] === '_') p.push({ one: true });
    else p.push({ lit: chars[i] });
  }
  const s = Array.from(value);
  const go = (i: number, j: number): boolean => {
    if (j === p.length) return i === s.length;
    if (p[j].any) return go(i, j + 1) || (i < s.length && go(i + 1, j));
    if (i === s.length) return false;
    return (p[j].one === true || p[j].lit === s[i]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

const CMP: Record<string, (a: number | string, b: number | string) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function generator(r: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const op = (): string => pick(Object.keys(CMP));
  const typed = (field: string, c: number | string): Gen => {
    const o = op();
    return { text: `${field} ${o} ${JSON.stringify(c)}`, ref: (row) => (row[field] == null ? null : CMP[o](row[field] as number, c)) };
  };
  const leaves: (() => Gen)[] = [
    () => typed('age', int(-2, 12)),
    () => typed('weight', pick([0.5, 1, 2.25, -1])),
    () => typed('name', pick(NAMES)),
    () => ({ text: 'flag', ref: (row) => (row.flag == null ? null : row.flag === true) }),
    () => {
      const b = r() < 0.5;
      return { text: `flag == ${b}`, ref: (row) => (row.flag == null ? null : row.flag === b) };
    },
    () => {
      const list = Array.from({ length: int(0, 4) }, () => int(0, 10));
      const neg = r() < 0.4;
      return {
        text: `age ${neg ? 'not in' : 'in'} [${list.join(', ')}]`,
        ref: (row) => (row.age == null ? null : list.includes(row.age as number) !== neg),
      };
    },
    () => {
      const lo = int(-1, 6);
      const hi = lo + int(1, 6);
      const [a, b] = [pick(['<', '<=']), pick(['<', '<='])];
      return {
        text: `${lo} ${a} age ${b} ${hi}`,
        ref: (row) => (row.age == null ? null : CMP[a](lo, row.age as number) && CMP[b](row.age as number, hi)),
      };
    },
    () => {
      const pat = pick(PATTERNS);
      return { text: `name like ${JSON.stringify(pat)}`, ref: (row) => (row.name == null ? null : refLike(row.name as string, pat)) };
    },
    () => {
      // Dynamic key holding strings, numbers or nothing: a type mismatch is false, not unknown.
      const o = op();
      const c = pick(['red', 'blue', 3]);
      return {
        text: `color ${o} ${JSON.stringify(c)}`,
        ref: (row) => {
          const v = row.color;
          if (v == null) return null;
          if (typeof v !== typeof c) return o === '!=';
          return CMP[o](v as number | string, c);
        },
      };
    },
    () => {
      const neg = r() < 0.5;
      return { text: `age is ${neg ? 'not ' : ''}null`, ref: (row) => (row.age == null) !== neg };
    },
    () => {
      const k = int(1, 4);
      const v = int(0, 3);
      const arith = pick(['+', '-', '*', '%', '/']);
      const o = op();
      const f: Record<string, (x: number) => number> = {
        '+': (x) => x + k,
        '-': (x) => x - k,
        '*': (x) => x * k,
        '%': (x) => x % k,
        '/': (x) => Math.trunc(x / k),
      };
      return { text: `age ${arith} ${k} ${o} ${v}`, ref: (row) => (row.age == null ? null : CMP[o](f[arith](row.age as number), v)) };
    },
    () => {
      const k = int(0, 4);
      return {
        text: `array_contains(int_array, ${k})`,
        ref: (row) => (row.int_array == null ? null : (row.int_array as number[]).includes(k)),
      };
    },
    () => {
      const k = int(0, 4);
      return {
        text: `json_contains(json["list"], ${k})`,
        ref: (row) => {
          const v = (row.json as { list?: unknown } | null)?.list;
          return v == null ? null : Array.isArray(v) && v.includes(k);
        },
      };
    },
    () => ({ text: 'exists json["list"]', ref: (row) => (row.json as { list?: unknown } | null)?.list != null }),
  ];
  const expr = (depth: number): Gen => {
    const roll = r();
    if (depth === 0 || roll < 0.35) return pick(leaves)();
    if (roll < 0.5) {
      const inner = expr(depth - 1);
      return { text: `not (${inner.text})`, ref: (row) => { const v = inner.ref(row); return v === null ? null : !v; } };
    }
    const a = expr(depth - 1);
    const b = expr(depth - 1);
    if (roll < 0.75) {
      return {
        text: `(${a.text}) and (${b.text})`,
        ref: (row) => { const x = a.ref(row); const y = b.ref(row); return x === false || y === false ? false : x === null || y === null ? null : true; },
      };
    }
    return {
      text: `(${a.text}) or (${b.text})`,
      ref: (row) => { const x = a.ref(row); const y = b.ref(row); return x === true || y === true ? true : x === null || y === null ? null : false; },
    };
  };
  const row = (uid: number): Row => {
    const maybe = <T>(v: T): T | null => (r() < 0.15 ? null : v);
    const out: Row = {
      uid,
      age: maybe(int(-3, 12)),
      weight: maybe(pick([0, 0.5, 1, 2.25, 3, -1])),
      name: maybe(pick(NAMES)),
      flag: maybe(r() < 0.5),
      int_array: maybe(Array.from({ length: int(0, 3) }, () => int(0, 4))),
      json: maybe(r() < 0.7 ? { list: Array.from({ length: int(0, 3) }, () => int(0, 4)) } : { other: 1 }),
    };
    const c = r();
    if (c < 0.6) out.color = pick(['red', 'blue', 'green', 3, 7]);
    else if (c < 0.7) out.color = null;
    return out;
  };
  return { expr, row };
}

describe('filter predicate matches a reference evaluation', () => {
  for (const seed of [1, 2, 3]) {
    it(`random filters, seed ${seed}`, () => {
      const g = generator(rng(seed));
      const rows = Array.from({ length: 300 }, (_, i) => g.row(i));
      const columns = toColumns(rows);
      for (let n = 0; n < 150; n++) {
        const e = g.expr(3);
        const match = compileFilter(e.text, COLLECTION).bind(columns);
        for (let i = 0; i < rows.length; i++) {
          if (match(i) !== (e.ref(rows[i]) === true)) {
            assert.fail(`${e.text} on ${JSON.stringify(rows[i])}: got ${match(i)}, reference ${e.ref(rows[i])}`);
          }
        }
      }
    });
  }
});
