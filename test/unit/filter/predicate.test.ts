import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter } from '../../../src/shared/filter/index.ts';
import { COLLECTION, matching, type Row } from './fixtures.ts';

/** Row 3 is mostly null; row 4 has a dynamic field of another type. */
const ROWS: Row[] = [
  { uid: 0, name: 'pear', age: 10, score: 0.1, weight: 1.5, flag: true, json: { a: 1, s: 'x', list: [1, 2, 3], o: { p: 'q' } }, int_array: [1, 2, 3], str_array: ['pa', 'b'], float_array: [0.1, 2], bool_array: [true], small: -3, color: 'red', n: 7 },
  { uid: 1, name: 'plum', age: 20, score: 2.5, weight: 0, flag: false, json: { a: 2, s: 'y', list: [4] }, int_array: [4], str_array: ['c'], float_array: [], bool_array: [false, true], small: 0, color: 'blue', n: 8 },
  { uid: 2, name: 'apple', age: 30, score: -1, weight: 2, flag: true, json: { a: '1', list: [] }, int_array: [], str_array: ['apple', 'pie'], float_array: [3.5], bool_array: [], small: 5, color: 'red', tags: ['x', 'y'] },
  { uid: 3, name: null, age: null, score: null, weight: null, flag: null, json: null, int_array: null, str_array: null, float_array: null, bool_array: null, small: null },
  { uid: 4, name: 'p_50%', age: 40, score: 3, weight: 3, flag: false, json: [1, 2], int_array: [2, 2], str_array: [], float_array: [1], bool_array: [true], small: 1, color: 5, n: 'nine' },
];

const m = (expr: string, params?: Record<string, unknown>): number[] => matching(expr, ROWS, params);

describe('filter predicate: comparisons', () => {
  const cases: [string, number[]][] = [
    ['uid >= 0', [0, 1, 2, 3, 4]],
    ['uid == 2', [2]],
    ['uid != 2', [0, 1, 3, 4]],
    ['age > 20', [2, 4]],
    ['age >= 20', [1, 2, 4]],
    ['age < 20', [0]],
    ['age <= 20', [0, 1]],
    ['age == 30', [2]],
    ['age != 30', [0, 1, 4]],
    ['20 < age', [2, 4]],
    ['age > 19.5', [1, 2, 4]],
    ['small < 0', [0]],
    ['score == 0.1', [0]],
    ['score < 0.1', [2]],
    ['score <= 0.1', [0, 2]],
    ['weight == 0', [1]],
    ['name == "pear"', [0]],
    ['name > "p"', [0, 1, 4]],
    ['name < "b"', [2]],
    ['flag == true', [0, 2]],
    ['flag != true', [1, 4]],
    ['flag', [0, 2]],
    ['not flag', [1, 4]],
    ['age < weight', []],
    ['age > weight', [0, 1, 2, 4]],
    ['weight < score', [1]],
    ['weight <= score', [1, 4]],
    ['name == name', [0, 1, 2, 4]],
    ['flag != flag', []],
  ];
  for (const [expr, expected] of cases) it(expr, () => assert.deepEqual(m(expr), expected));
});

describe('filter predicate: logic and null semantics', () => {
  const cases: [string, number[]][] = [
    ['age > 15 and flag', [2]],
    ['age > 15 && flag == false', [1, 4]],
    ['age < 15 or flag == false', [0, 1, 4]],
    ['age < 15 || uid == 3', [0, 3]],
    ['not (age > 15)', [0]],
    ['!(age > 15)', [0]],
    ['not (age > 15 and flag)', [0, 1, 4]],
    ['not (age > 15 or flag)', []],
    ['not (not (age > 15))', [1, 2, 4]],
    ['age is null', [3]],
    ['age IS NOT NULL', [0, 1, 2, 4]],
    ['json is null', [3]],
    ['json["a"] is null', [3, 4]],
    ['json["a"] is not null', [0, 1, 2]],
    ['color is null', [3]],
    ['not (age is null)', [0, 1, 2, 4]],
    ['age != 10', [1, 2, 4]],
    ['not (age == 10)', [1, 2, 4]],
    ['age in [10, 20] or age not in [10, 20]', [0, 1, 2, 4]],
    ['age is null or age > 25', [2, 3, 4]],
    ['not (age > 25 or uid == 3)', [0, 1]],
    ['missing_key > 1', []],
    ['not (missing_key > 1)', []],
    ['missing_key is null', [0, 1, 2, 3, 4]],
    ['true', [0, 1, 2, 3, 4]],
    ['1 == 2', []],
  ];
  for (const [expr, expected] of cases) it(expr, () => assert.deepEqual(m(expr), expected));
});

describe('filter predicate: in, ranges, arithmetic', () => {
  const cases: [string, number[]][] = [
    ['uid in [1,2,3]', [1, 2, 3]],
    ['uid in [4]', [4]],
    ['uid not in [1,2,3]', [0, 4]],
    ['age in []', []],
    ['age not in []', [0, 1, 2, 4]],
    ['name in ["pear", "apple"]', [0, 2]],
    ['score in [0.1, 3]', [0, 4]],
    ['flag in [false]', [1, 4]],
    ['color in ["red", 5]', [0, 2, 4]],
    ['color not in ["red"]', [1, 4]],
    ['int_array[0] in [1, 4]', [0, 1]],
    ['small in [-3, +5, 0x0]', [0, 1, 2]],
    ['10 < age < 40', [1, 2]],
    ['10 <= age < 40', [0, 1, 2]],
    ['10 <= age <= 40', [0, 1, 2, 4]],
    ['40 > age > 10', [1, 2]],
    ['40 >= age > 10', [1, 2, 4]],
    ['not (10 < age < 40)', [0, 4]],
    ['"b" < name < "pz"', [0, 1, 4]],
    ['0 < score <= 0.1', [0]],
    ['1 < json["a"] <= 2', [1]],
    ['"0" < json["a"] < "z"', [2]],
    ['not (0 <= json["a"] <= 5)', [2]],
    ['age + 5 == 15', [0]],
    ['5 + age == 15', [0]],
    ['age - 5 > 30', [4]],
    ['age * 2 == 40', [1]],
    ['2 * age == 40', [1]],
    ['age / 20 == 1', [1, 2]],
    ['age % 20 == 0', [1, 4]],
    ['age % 20 != 0', [0, 2]],
    ['not (age % 20 == 0)', [0, 2]],
    ['n % 2 == 1', [0]],
    ['n + 1 >= 8', [0, 1]],
    ['not (n + 1 >= 8)', []],
    ['json["a"] * 10 == 20', [1]],
    ['score / 2 > 1', [1, 4]],
    ['age == 2 ** 4 + 4', [1]],
    ['age > -5 * -3', [1, 2, 4]],
  ];
  for (const [expr, expected] of cases) it(expr, () => assert.deepEqual(m(expr), expected));
});

describe('filter predicate: JSON paths and dynamic fields', () => {
  const cases: [string, number[]][] = [
    ['json["a"] == 1', [0]],
    ['json["a"] == "1"', [2]],
    ["json['a'] != 1", [1, 2]],
    ['json["a"] > 0', [0, 1]],
    ['json["a"] >= "0"', [2]],
    ['not (json["a"] > 0)', [2]],
    ['json["s"] == "x"', [0]],
    ['json["list"][1] == 2', [0]],
    ['json["list"]["1"] == 2', [0]],
    ['json["o"]["p"] == "q"', [0]],
    ['json["o"]["missing"] == "q"', []],
    ['json[0] == 1', [4]],
    ['json["list"] == [1, 2, 3]', [0]],
    ['json["list"] != [1, 2, 3]', [1, 2]],
    ['json["constructor"] is null', [0, 1, 2, 3, 4]],
    ['json["list"]["length"] is null', [0, 1, 2, 3, 4]],
    ['color == "red"', [0, 2]],
    ['$meta["color"] == "red"', [0, 2]],
    ['color == 5', [4]],
    ['color > "a"', [0, 1, 2]],
    ['n > 7', [1]],
    ['tags[0] == "x"', [2]],
    ['exists json["s"]', [0, 1]],
    ['exists color', [0, 1, 2, 4]],
    ['not exists color', [3]],
    ['exists tags', [2]],
    ['int_array[1] == 2', [0, 4]],
    ['int_array[5] == 2', []],
    ['int_array[5] is null', [0, 1, 2, 3, 4]],
    ['str_array[0] like "p%"', [0]],
    ['bool_array[0]', [0, 4]],
  ];
  for (const [expr, expected] of cases) it(expr, () => assert.deepEqual(m(expr), expected));
});

describe('filter predicate: functions', () => {
  const cases: [string, number[]][] = [
    ['json_contains(json["list"], 1)', [0]],
    ['json_contains(json["list"], 4)', [1]],
    ['not json_contains(json["list"], 1)', [1, 2]],
    ['json_contains(json, 2)', [4]],
    ['json_contains_all(json["list"], [1, 3])', [0]],
    ['json_contains_all(json["list"], [])', [0, 1, 2]],
    ['json_contains_any(json["list"], [3, 4])', [0, 1]],
    ['json_contains_any(json["list"], [])', []],
    ['json_contains(tags, "y")', [2]],
    ['array_contains(int_array, 1)', [0]],
    ['array_contains(int_array, 2)', [0, 4]],
    ['ARRAY_CONTAINS(str_array, "pie")', [2]],
    ['array_contains_all(int_array, [1, 2])', [0]],
    ['array_contains_any(int_array, [3, 4])', [0, 1]],
    ['array_contains(float_array, 0.1)', [0]],
    ['array_contains(bool_array, false)', [1]],
    ['not array_contains(int_array, 2)', [1, 2]],
    ['array_length(int_array) == 0', [2]],
    ['array_length(int_array) >= 2', [0, 4]],
    ['array_length(json["list"]) == 3', [0]],
    ['array_length(json) == 2', [4]],
    ['array_length(tags) == 2', [2]],
    ['not (array_length(int_array) == 0)', [0, 1, 4]],
  ];
  for (const [expr, expected] of cases) it(expr, () => assert.deepEqual(m(expr), expected));
  it('matches nested arrays structurally', () => {
    const rows: Row[] = [{ uid: 1, json: { l: [[1, 2], [3]] } }, { uid: 2, json: { l: [[1], 2] } }];
    assert.deepEqual(matching('json_contains(json["l"], [1, 2])', rows), [0]);
    assert.deepEqual(matching('json_contains_any(json["l"], [[3], 2])', rows), [0, 1]);
  });
});

describe('filter predicate: LIKE', () => {
  const cases: [string, number[]][] = [
    ['name like "p%"', [0, 1, 4]],
    ['name LIKE "%e"', [2]],
    ['name like "%pl%"', [1, 2]],
    ['name like "pear"', [0]],
    ['name like "p__r"', [0]],
    ['name like "p_%"', [0, 1, 4]],
    ['name like "%"', [0, 1, 2, 4]],
    ['name like "a%e"', [2]],
    ['name like "p%m"', [1]],
    [String.raw`name like "p\_%"`, [4]],
    [String.raw`name like "p\\_%"`, [4]],
    [String.raw`name like "%\%"`, [4]],
    [String.raw`name like "%50\%"`, [4]],
    ['name like "P%"', []],
    ['not (name like "p%")', [2]],
    ['json["s"] like "x"', [0]],
    ['not (json["a"] like "%")', [0, 1]],
    ['color like "r%"', [0, 2]],
  ];
  for (const [expr, expected] of cases) it(expr, () => assert.deepEqual(m(expr), expected));
  it('treats _ as one character, including non-ASCII and line breaks', () => {
    const rows: Row[] = [{ uid: 1, name: 'a😀b' }, { uid: 2, name: 'a\nb' }, { uid: 3, name: 'ab' }, { uid: 4, name: 'a.b' }];
    assert.deepEqual(matching('name like "a_b"', rows), [0, 1, 3]);
    assert.deepEqual(matching('name like "a.b"', rows), [3]);
    assert.deepEqual(matching('name like "%b"', rows), [0, 1, 2, 3]);
  });
});

describe('filter predicate: templates and binding', () => {
  it('evaluates templates', () => {
    assert.deepEqual(m('age > {min} and name like {p}', { min: 15, p: 'p%' }), [1, 4]);
    assert.deepEqual(m('uid in {ids}', { ids: [4, 0] }), [0, 4]);
    assert.deepEqual(m('{lo} <= age <= {hi}', { lo: 20, hi: 30 }), [1, 2]);
  });
  it('treats a missing column as all null', () => {
    const f = compileFilter('age > 1 or age is null', COLLECTION);
    const match = f.bind({ pks: [1, 2], scalars: {} });
    assert.deepEqual([match(0), match(1)], [true, true]);
    const g = compileFilter('not exists color', COLLECTION).bind({ pks: [1], scalars: {} });
    assert.equal(g(0), true);
    const h = compileFilter('name != "x" or age < weight or array_contains(int_array, 1)', COLLECTION).bind({ pks: [1], scalars: {} });
    assert.equal(h(0), false);
  });
  it('reads typed arrays as column storage', () => {
    const f = compileFilter('age >= 2 and weight < 0.5', COLLECTION);
    const match = f.bind({ pks: [1, 2, 3], scalars: { age: Int32Array.from([1, 2, 3]), weight: Float64Array.from([0, 0.25, 1]) } });
    assert.deepEqual([0, 1, 2].map(match), [false, true, false]);
  });
  it('rounds Float fields to single precision like their storage', () => {
    const f = compileFilter('score == 0.1 and score in [0.1]', COLLECTION);
    assert.deepEqual([Math.fround(0.1), 0.1, 0.2].map((_, i, a) => f.bind({ pks: [1, 2, 3], scalars: { score: a } })(i)), [true, true, false]);
  });
  it('compares VarChar primary keys with strings', () => {
    const rows: Row[] = [{ book_id: '0' }, { book_id: '1' }, { book_id: 'a' }];
    assert.deepEqual(matching("book_id > '0'", rows, undefined, makeVarcharPk()), [1, 2]);
  });
});

function makeVarcharPk() {
  return { ...COLLECTION, id: 9, fields: [{ ...COLLECTION.fields[0], name: 'book_id', dataType: 'VarChar' as const }] };
}
