import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilter, type Plan } from '../../../src/shared/filter/index.ts';
import { assertRejects, COLLECTION, makeCollection } from './fixtures.ts';

const plan = (expr: string, params?: Record<string, unknown>): Plan => compileFilter(expr, COLLECTION, params).plan;
const STATIC = makeCollection({ dynamic: false, id: 3 });

describe('filter check: names', () => {
  it('resolves schema fields, the primary key and typed array elements', () => {
    assert.deepEqual(plan('age > 1'), {
      op: 'cmp',
      left: { kind: 'column', col: { field: 'age', pk: false, dataType: 'Int32', elementType: undefined, path: [], valueType: 'int' } },
      cmp: '>',
      value: 1,
    });
    const pk = plan('uid == 7') as Extract<Plan, { op: 'cmp' }>;
    assert.equal(pk.left.kind === 'column' && pk.left.col.pk, true);
    const el = plan('int_array[2] == 7') as Extract<Plan, { op: 'cmp' }>;
    assert.deepEqual(el.left.kind === 'column' && [el.left.col.path, el.left.col.valueType], [[2], 'int']);
  });
  it('turns unknown names into $meta keys when dynamic fields are on', () => {
    const p = plan('color == "red" and size["w"][0] > 2') as Extract<Plan, { op: 'and' | 'or' }>;
    const cols = p.args.map((a) => (a.op === 'cmp' && a.left.kind === 'column' ? [a.left.col.field, a.left.col.path] : null));
    assert.deepEqual(cols, [['$meta', ['color']], ['$meta', ['size', 'w', 0]]]);
    const m = plan('$meta["color"] == "red"') as Extract<Plan, { op: 'cmp' }>;
    assert.deepEqual(m.left.kind === 'column' && m.left.col.path, ['color']);
  });
  it('rejects unknown names without dynamic fields', () => {
    assertRejects('color == "red"', /field color not exist \(at line 1:0\)/, undefined, STATIC);
    assertRejects('$meta["a"] == 1', /field \$meta not exist/, undefined, STATIC);
    assertRejects('age > 1 and colour == 2', /field colour not exist \(at line 1:12\)/, undefined, STATIC);
  });
  it('rejects vector fields and bad paths', () => {
    assertRejects('vec == 1', /filter on vector field \(vec\) is not supported/);
    assertRejects('vec is null', /vector field/);
    assertRejects('age["a"] == 1', /Int32 data type not supported accessed with \[\]/);
    assertRejects('int_array["a"] == 1', /can only access array field with integer index/);
    assertRejects('int_array[0][1] == 1', /only one level of index/);
  });
});

describe('filter check: types', () => {
  it('accepts constants of the field type', () => {
    for (const ok of ['age > 1', 'age >= 1.5', 'score < 2', 'weight != 1e3', 'name == "x"', 'flag == true', 'flag != False', 'json["a"] == "x"', 'json["a"] < 3', 'json["a"] == [1, 2]', 'str_array[0] > "m"', 'bool_array[1] == true']) {
      compileFilter(ok, COLLECTION);
    }
  });
  it('rejects constants of another type, with the operator position', () => {
    assertRejects('age == "x"', /comparison operations cannot be applied to age \(Int32\) and "x" \(at line 1:4\)/);
    assertRejects('name > 5', /name \(VarChar\) and 5 \(at line 1:5\)/);
    assertRejects('flag == 1', /flag \(Bool\) and 1/);
    assertRejects('flag < true', /invalid range operations on boolean expr/);
    assertRejects('int_array == 1', /can not comparisons array fields directly/);
    assertRejects('int_array[0] == "a"', /Int64 element/);
    assertRejects('json["a"] > [1]', /cannot be applied/);
    assertRejects('json["a"] > true', /cannot be applied/);
    assertRejects('"a" == 1', /two incompatible operands/);
  });
  it('allows field-to-field comparison only between plain scalar columns', () => {
    assert.deepEqual(plan('age < weight').op, 'fields');
    assert.deepEqual(plan('name != name').op, 'fields');
    assertRejects('age < name', /cannot be applied to fields age \(Int32\) and name \(VarChar\)/);
    assertRejects('json["a"] == age', /only supported for non-JSON scalar fields/);
    assertRejects('int_array[0] == age', /only supported for non-JSON scalar fields/);
    assertRejects('flag < flag', /cannot be applied to fields/);
  });
  it('requires a boolean result', () => {
    assertRejects('age', /predicate is not a boolean expression, got: age \(at line 1:0\)/);
    assertRejects('1 + 2', /predicate is not a boolean expression/);
    assertRejects('"x"', /predicate is not a boolean expression/);
    assertRejects('json["a"]', /predicate is not a boolean expression/);
    assertRejects('age + 1', /predicate is not a boolean expression/);
    assertRejects('not age', /not op can only be applied on boolean expression/);
    assertRejects('not 1', /not op can only be applied on boolean expression/);
    assertRejects('age > 1 and age', /'and' can only be used between boolean expressions, got: age \(at line 1:12\)/);
    assertRejects('age > 1 or 5', /'or' can only be used/);
    assertRejects('(age > 1) == true', /boolean expression/);
  });
  it('accepts Bool columns as conditions', () => {
    assert.deepEqual(plan('flag'), { op: 'bool', col: { field: 'flag', pk: false, dataType: 'Bool', elementType: undefined, path: [], valueType: 'bool' } });
    assert.equal(plan('not flag').op, 'not');
    assert.equal(plan('bool_array[0] and flag').op, 'and');
  });
});

describe('filter check: arithmetic and constants', () => {
  it('accepts field op const cmp const, either operand order for + and *', () => {
    const p = plan('age + 1 == 3') as Extract<Plan, { op: 'cmp' }>;
    assert.deepEqual(p.left.kind === 'arith' && [p.left.op, p.left.value, p.left.math], ['+', 1, 'int']);
    assert.equal(plan('2 * age > 3').op, 'cmp');
    assert.equal(plan('json["n"] % 2 == 1').op, 'cmp');
    assert.equal(plan('score / 2 < 1').op, 'cmp');
    assert.equal(plan('array_length(int_array) * 2 == 4').op, 'cmp');
  });
  it('rejects other arithmetic', () => {
    assertRejects('age + age == 2', /arithmetic between two fields is not supported/);
    assertRejects('age * 2 + 1 == 3', /arithmetic must have the form 'field \+ constant'/);
    assertRejects('10 - age == 3', /arithmetic must have the form/);
    assertRejects('name + 1 == 2', /cannot be applied to name of type VarChar/);
    assertRejects('age + "a" == 2', /cannot be applied to "a"/);
    assertRejects('score % 2 == 0', /modulo can only apply on integer types/);
    assertRejects('age % 1.5 == 0', /modulo can only apply on integer types/);
    assertRejects('age / 0 == 1', /cannot divide by zero/);
    assertRejects('age + 1 == "x"', /cannot be applied/);
    assertRejects('age ** 2 == 4', /power can only apply on constants/);
    assertRejects('-age < 1', /unary minus can only be applied to constants/);
  });
  it('folds constant expressions like Milvus', () => {
    const value = (expr: string): unknown => (plan(`age == ${expr}`) as Extract<Plan, { op: 'cmp' }>).value;
    assert.equal(value('1 + 2 * 3'), 7);
    assert.equal(value('7 / 2'), 3);
    assert.equal(value('-7 / 2'), -3);
    assert.equal(value('7 % 3'), 1);
    assert.equal(value('7.0 / 2'), 3.5);
    assert.equal(value('2 ** 10'), 1024);
    assert.equal(value('-(3)'), -3);
    assert.equal(value('+3'), 3);
    assert.equal(value('--3'), 3);
    assertRejects('age == 1 / 0', /cannot divide by zero/);
    assertRejects('age == 1.5 % 1', /modulo can only apply on integer types/);
    assertRejects('age == "a" + 1', /cannot be applied to "a" and 1/);
    assertRejects('age == -"a"', /unary minus cannot be applied/);
  });
  it('folds constant conditions', () => {
    assert.equal(compileFilter('1 < 2', COLLECTION).isAlwaysTrue, true);
    assert.equal(compileFilter('true', COLLECTION).isAlwaysTrue, true);
    assert.equal(compileFilter('"a" == "b"', COLLECTION).isAlwaysFalse, true);
    assert.equal(compileFilter('age > 1 and 1 == 2', COLLECTION).isAlwaysFalse, true);
    assert.equal(compileFilter('age > 1 or not false', COLLECTION).isAlwaysTrue, true);
    assert.equal(plan('age > 1 and 2 > 1').op, 'cmp');
    assert.equal(plan('not not (age > 1)').op, 'cmp');
  });
  it('puts the field on the left of comparisons', () => {
    const p = plan('5 < age') as Extract<Plan, { op: 'cmp' }>;
    assert.deepEqual([p.cmp, p.value], ['>', 5]);
  });
});

describe('filter check: in, ranges, like, exists', () => {
  it('checks in lists', () => {
    assert.deepEqual((plan('age in [1, 2.5]') as Extract<Plan, { op: 'in' }>).values, [1, 2.5]);
    assert.deepEqual((plan('json["k"] in [1, "a", true]') as Extract<Plan, { op: 'in' }>).values, [1, 'a', true]);
    assert.equal(plan('age not in []').op, 'not');
    assertRejects('1 in [1]', /'term' can only be used on non-const expression/);
    assertRejects('age + 1 in [2]', /'term' can only be used on single field/);
    assertRejects('age in [name]', /array element type must be generic value, but got: name/);
    assertRejects('age in 5', /the right-hand side of 'in' must be a list/);
    assertRejects('age in ["a"]', /value '"a"' in list cannot be compared with age \(Int32\)/);
    assertRejects('int_array in [1]', /can not comparisons array fields directly/);
    assertRejects('age in [[1]]', /nested list/);
  });
  it('checks ranges', () => {
    assert.deepEqual(plan('1 <= age < 5'), {
      op: 'range',
      col: { field: 'age', pk: false, dataType: 'Int32', elementType: undefined, path: [], valueType: 'int' },
      lower: 1,
      lowerInclusive: true,
      upper: 5,
      upperInclusive: false,
    });
    assert.equal(plan('"a" < name < "m"').op, 'range');
    assert.equal(plan('1 < json["x"] < 2').op, 'range');
    assert.equal(plan('3 <= age <= 3').op, 'range');
    assertRejects('age < weight < 5', /lowerbound cannot be a non-const expression: age/);
    assertRejects('1 < age < weight', /upperbound cannot be a non-const expression/);
    assertRejects('5 < age < 1', /invalid range: lowerbound is greater than upperbound/);
    assertRejects('3 < age <= 3', /invalid range/);
    assertRejects('false < flag < true', /invalid range operations on boolean expr/);
    assertRejects('1 < name < 2', /name \(VarChar\) and 1/);
    assertRejects('1 < json["x"] < "z"', /range bounds of different types/);
  });
  it('checks like', () => {
    assert.equal(plan('name like "a%"').op, 'like');
    assert.equal(plan('json["s"] like "a%"').op, 'like');
    assert.equal(plan('str_array[0] like "a%"').op, 'like');
    assert.equal(plan('name like {p}', { p: 'x%' }).op, 'like');
    assertRejects('age like "1%"', /like operation on non-string or no-json field is unsupported: age/);
    assertRejects('str_array like "a%"', /can not comparisons array fields directly/);
    assertRejects('name like 1', /the pattern of like must be a string/);
    assertRejects('name like age', /the pattern of like must be a string/);
    assertRejects('"abc" like "a%"', /like operation on complicated expr is unsupported/);
  });
  it('checks exists and is null', () => {
    assert.equal(plan('exists json["a"]').op, 'exists');
    assert.equal(plan('exists color').op, 'exists');
    assert.equal(plan('age is null').op, 'is-null');
    assert.equal(plan('json["a"] is not null').op, 'not');
    assertRejects('exists age', /exists operations are only supported on json field, got: Int32/);
    assertRejects('exists json', /exists operations are only supported on json key/);
    assertRejects('exists 1', /exists operations are only supported on single fields/);
  });
});

describe('filter check: functions and unsupported operators', () => {
  it('accepts the contains family and array_length', () => {
    for (const ok of ['json_contains(json["a"], 1)', 'JSON_CONTAINS_ALL(json, [1, "a"])', 'json_contains_any(tags, ["x"])', 'array_contains(int_array, 1)', 'array_contains_all(str_array, ["a", "b"])', 'array_contains_any(float_array, [1.5])', 'json_contains(json["a"], [1, 2])', 'array_length(int_array) == 2', 'array_length(json["list"]) > 0']) {
      compileFilter(ok, COLLECTION);
    }
  });
  it('rejects misuse of functions', () => {
    assertRejects('json_contains(age, 1)', /json_contains operation are only supported on json or array fields now, got: age/);
    assertRejects('array_contains(int_array, "a")', /contains operation on array field int_array of Int64 cannot search "a"/);
    assertRejects('array_contains(str_array, 1)', /cannot search 1/);
    assertRejects('json_contains_all(json, 1)', /element must be an array/);
    assertRejects('json_contains(json, age)', /only supported explicitly specified element/);
    assertRejects('json_contains(json)', /takes 2 arguments, got 1/);
    assertRejects('array_length(int_array, 1) == 1', /takes 1 argument, got 2/);
    assertRejects('array_length(age) == 1', /array_length operation are only supported on json or array fields/);
    assertRejects('array_length(int_array)', /predicate is not a boolean expression/);
    assertRejects('json_contains(json, 1, x=2)', /takes no named arguments/);
  });
  it('rejects functions quiver does not evaluate', () => {
    assertRejects('text_match(name, "q")', /function text_match is not supported \(at line 1:0\)/);
    assertRejects('phrase_match(name, "a b", 2)', /function phrase_match is not supported/);
    assertRejects('age > 1 and random_sample(0.1)', /function random_sample is not supported \(at line 1:12\)/);
    assertRejects('st_contains(geo, "POINT(0 0)")', /function st_contains is not supported/);
    assertRejects('text_match(name, "q", minimum_should_match=2)', /not supported/);
    assertRejects('frobnicate(age)', /function frobnicate not found/);
  });
  it('rejects bitwise operators and shifts as not supported', () => {
    assertRejects('age & 1 == 1', /BitAnd is not supported \(at line 1:4\)/);
    assertRejects('age | 1', /BitOr is not supported/);
    assertRejects('age ^ 1', /BitXor is not supported/);
    assertRejects('age << 1 == 2', /shift is not supported/);
    assertRejects('age >> 1 == 2', /shift is not supported/);
    assertRejects('~age == 1', /BitNot is not supported/);
  });
});

describe('filter check: templates', () => {
  it('fills placeholders from exprParams', () => {
    const p = plan('age > {min} and name in {names} and json["k"] == {v}', { min: 3, names: ['a', 'b'], v: true }) as Extract<Plan, { op: 'and' | 'or' }>;
    assert.deepEqual(p.args.map((a) => (a.op === 'cmp' ? a.value : a.op === 'in' ? a.values : null)), [3, ['a', 'b'], true]);
    assert.equal(plan('{lo} < age < {hi}', { lo: 1, hi: 9 }).op, 'range');
    assert.deepEqual((plan('age in [{a}, 2]', { a: 1 }) as Extract<Plan, { op: 'in' }>).values, [1, 2]);
    assert.equal(plan('json_contains_any(json, {xs})', { xs: [1, [2]] }).op, 'contains');
    assert.equal(plan('age == {big}', { big: 5n }).op, 'cmp');
  });
  it('rejects missing or unusable values with the placeholder position', () => {
    assertRejects('age > {min}', /the value of expression template variable name \{min\} is not found \(at line 1:6\)/);
    assertRejects('age > {min}', /not found/, {});
    assertRejects('age > {min}', /not found/, { min: undefined });
    assertRejects('age > {min}', /unsupported type: null/, { min: null });
    assertRejects('age > {min}', /unsupported type: \{"a":1\}/, { min: { a: 1 } });
    assertRejects('age > {min}', /unsupported type/, { min: Number.NaN });
    assertRejects('age in {xs}', /value '"a"' in list cannot be compared/, { xs: ['a'] });
    assertRejects('age > {s}', /age \(Int32\) and "1"/, { s: '1' });
  });
});
