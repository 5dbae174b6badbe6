import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertRejects, matching, VARCHAR_PK, type Row } from './fixtures.ts';

/** Rows shaped like the ones the Milvus client test suites insert. */
const ROWS: Row[] = Array.from({ length: 120 }, (_, i) => ({
  uid: i - 5,
  name: ['pear', 'apple', 'plum', 'kiwi'][i % 4],
  json: i % 3 === 0 ? { key: [1, i] } : { key: [i] },
  int_array: i % 2 === 0 ? [1, 2] : [3],
}));

const expected = (pred: (r: Row) => boolean): number[] => ROWS.flatMap((r, i) => (pred(r) ? [i] : []));

describe('filter expressions used by client test suites', () => {
  it('uid >= 0', () => assert.deepEqual(matching('uid >= 0', ROWS), expected((r) => (r.uid as number) >= 0)));
  it('uid >= 0 and uid < 100', () => {
    assert.deepEqual(matching('uid >= 0 and uid < 100', ROWS), expected((r) => (r.uid as number) >= 0 && (r.uid as number) < 100));
  });
  it('uid in [1,2,3]', () => assert.deepEqual(matching('uid in [1,2,3]', ROWS), expected((r) => [1, 2, 3].includes(r.uid as number))));
  it('name like "p%"', () => assert.deepEqual(matching('name like "p%"', ROWS), expected((r) => (r.name as string).startsWith('p'))));
  it('name > "p"', () => assert.deepEqual(matching('name > "p"', ROWS), expected((r) => (r.name as string) > 'p')));
  it("book_id > '0' on a VarChar primary key", () => {
    const rows: Row[] = ['0', '00', '1', 'a', ''].map((book_id) => ({ book_id }));
    assert.deepEqual(matching("book_id > '0'", rows, undefined, VARCHAR_PK), [1, 2, 3]);
    assertRejects('book_id > 0', /book_id \(VarChar\) and 0/, undefined, VARCHAR_PK);
  });
  it("json_contains(json['key'], 1)", () => {
    assert.deepEqual(matching("json_contains(json['key'], 1)", ROWS), expected((r) => ((r.json as { key: number[] }).key).includes(1)));
  });
  it('array_contains(int_array, 1)', () => {
    assert.deepEqual(matching('array_contains(int_array, 1)', ROWS), expected((r) => (r.int_array as number[]).includes(1)));
  });
  it('text_match and phrase_match are rejected with 1100', () => {
    assertRejects("text_match(name, 'apple')", /function text_match is not supported/);
    assertRejects("phrase_match(name, 'red apple', 1)", /function phrase_match is not supported/);
  });
});
