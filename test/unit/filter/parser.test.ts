import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter, showTree } from '../../../src/shared/filter/index.ts';
import { FilterIssue } from '../../../src/shared/filter/issue.ts';
import { assertRejects } from './fixtures.ts';

const tree = (expr: string): string => showTree(parseFilter(expr));

function syntaxError(expr: string): FilterIssue {
  try {
    parseFilter(expr);
  } catch (e) {
    assert.ok(e instanceof FilterIssue, String(e));
    return e;
  }
  assert.fail(`${expr} parsed`);
}

describe('filter parser: precedence', () => {
  const cases: [string, string][] = [
    ['a > 5 and b < 3 or c == 1', '(((a > 5) and (b < 3)) or (c == 1))'],
    ['a or b and c', '(a or (b and c))'],
    ['a || b && c', '(a or (b and c))'],
    ['a == 1 != b', '((a == 1) != b)'],
    ['a < 1 == b > 2', '((a < 1) == (b > 2))'],
    ['a + 1 * 2 - 3', '((a + (1 * 2)) - 3)'],
    ['a * 2 / 3 % 4', '(((a * 2) / 3) % 4)'],
    ['-2 ** 2', '(-(2 ** 2))'],
    ['2 ** 3 ** 2', '((2 ** 3) ** 2)'],
    ['2 ** -1 * 3', '((2 ** (-1)) * 3)'],
    ['not a == 1', '((not a) == 1)'],
    ['!a and b', '((not a) and b)'],
    ['not (a == 1)', '(not (a == 1))'],
    ['a + 1 << 2', '((a + 1) << 2)'],
    ['a + 1 in [2, 3]', '((a + 1) in [2, 3])'],
    ['a in [1] == true', '((a in [1]) == true)'],
    ['a not in [1, 2] and b', '((a not in [1, 2]) and b)'],
    ['a like "x%" or b like "y"', '((a like "x") or (b like "y"))'.replace('"x"', '"x%"')],
    ['not a like "x%"', '(not (a like "x%"))'],
    ['exists a["k"] and b', '((exists a["k"]) and b)'],
    ['a & b | c ^ d', '((a & b) | (c ^ d))'],
    ['a == 1 & b == 2', '((a == 1) & (b == 2))'],
    ['a | b and c', '((a | b) and c)'],
    ['~a', '(~a)'],
    ['a is null or b is not null', '((a is null) or (b is not null))'],
    ['x["a"]["b"][0] IS NOT NULL', '(x["a"]["b"][0] is not null)'],
    ['1 < a < 5', '(1 < a < 5)'],
    ['1 <= a < 5', '(1 <= a < 5)'],
    ['5 > a >= 1', '(1 <= a < 5)'],
    ['5 >= a > 1', '(1 < a <= 5)'],
    ['1 < (a) < 5', '((1 < a) < 5)'],
    ['1 < a > 5', '((1 < a) > 5)'],
    ['1 < a < 5 and b', '((1 < a < 5) and b)'],
    ['json_contains(x["a"], 1) or array_length(y) == 2', '(json_contains(x["a"], 1) or (array_length(y) == 2))'],
    ['text_match(t, "q", minimum_should_match=2)', 'text_match(t, "q", minimum_should_match=2)'],
    ['f(a, b,)', 'f(a, b)'],
    ['{p} == a', '({p} == a)'],
    ['a in {list}', '(a in {list})'],
    ['[1, 2, ] == a', '([1, 2] == a)'],
    ['[] == a', '([] == a)'],
    ['$meta["k"] == 1', '($meta["k"] == 1)'],
    ['((a))', 'a'],
  ];
  for (const [expr, expected] of cases) {
    it(expr, () => assert.equal(tree(expr), expected));
  }
});

describe('filter parser: keywords and literals', () => {
  it('accepts keywords in lower or upper case', () => {
    assert.equal(tree('a AND b OR NOT c'), '((a and b) or (not c))');
    assert.equal(tree('a NOT IN [1] && b LIKE "x"'), '((a not in [1]) and (b like "x"))');
    assert.equal(tree('EXISTS a["k"]'), '(exists a["k"])');
    assert.equal(tree('a IS NULL'), '(a is null)');
    assert.equal(tree('JSON_CONTAINS(a, 1)'), 'json_contains(a, 1)');
  });
  it('treats mixed-case words and keyword-prefixed names as identifiers', () => {
    assert.equal(tree('android == 1'), '(android == 1)');
    assert.equal(tree('inside and notes'), '(inside and notes)');
    assert.equal(tree('x is nullable'.replace(' is nullable', ' == isnull')), '(x == isnull)');
    assert.equal(syntaxError('a And b').offset, 2);
  });
  it('reads booleans in all listed spellings', () => {
    for (const t of ['true', 'True', 'TRUE']) assert.deepEqual(parseFilter(t), { kind: 'bool', value: true, offset: 0 });
    for (const f of ['false', 'False', 'FALSE']) assert.deepEqual(parseFilter(f), { kind: 'bool', value: false, offset: 0 });
  });
  it('reads integers in decimal, octal, hex and binary', () => {
    const values = (expr: string): unknown => (parseFilter(expr) as { value: number }).value;
    assert.equal(values('42'), 42);
    assert.equal(values('0'), 0);
    assert.equal(values('017'), 15);
    assert.equal(values('0x1F'), 31);
    assert.equal(values('0X1f'), 31);
    assert.equal(values('0b101'), 5);
    assert.equal(values('9223372036854775807'), Number(9223372036854775807n));
  });
  it('reads floats in decimal and hexadecimal form', () => {
    const value = (expr: string): unknown => parseFilter(expr);
    assert.deepEqual(value('1.5'), { kind: 'float', value: 1.5, offset: 0 });
    assert.deepEqual(value('.5'), { kind: 'float', value: 0.5, offset: 0 });
    assert.deepEqual(value('1.'), { kind: 'float', value: 1, offset: 0 });
    assert.deepEqual(value('1e3'), { kind: 'float', value: 1000, offset: 0 });
    assert.deepEqual(value('2.5E-1'), { kind: 'float', value: 0.25, offset: 0 });
    assert.deepEqual(value('0x1.8p1'), { kind: 'float', value: 3, offset: 0 });
    assert.deepEqual(value('0x10p-4'), { kind: 'float', value: 1, offset: 0 });
  });
  it('decodes strings with C escapes in either quote style', () => {
    const str = (expr: string): unknown => (parseFilter(expr) as { value: string }).value;
    assert.equal(str('"plain"'), 'plain');
    assert.equal(str("'single'"), 'single');
    assert.equal(str(String.raw`"a\"b"`), 'a"b');
    assert.equal(str(String.raw`'it\'s'`), "it's");
    assert.equal(str(String.raw`"t\tn\nr\r\\"`), 't\tn\nr\r\\');
    assert.equal(str(String.raw`"\x41\101\u00e9\U0001F600"`), 'AAé😀');
    assert.equal(str(String.raw`"\a\b\f\v\?"`), '\x07\b\f\v?');
    assert.equal(str(String.raw`"50\%"`), String.raw`50\%`);
    assert.equal(str(String.raw`r"a\d"`), String.raw`a\d`);
    assert.equal(str('u8"x"'), 'x');
    assert.equal(str('"中文"'), '中文');
  });
  it('reads identifiers, $meta, Unicode names, paths and templates', () => {
    assert.deepEqual(parseFilter('$meta'), { kind: 'ident', name: '$meta', offset: 0 });
    assert.deepEqual(parseFilter('名字'), { kind: 'ident', name: '名字', offset: 0 });
    assert.deepEqual(parseFilter(`f["k"]['j'][0]`), { kind: 'path', name: 'f', path: ['k', 'j', 0], offset: 0 });
    assert.deepEqual(parseFilter(' {p}'), { kind: 'template', name: 'p', offset: 1 });
  });
  it('ignores whitespace and newlines', () => {
    assert.equal(tree('a\n>\t1\r\nand\n  b is\n not  null'), '((a > 1) and (b is not null))');
  });
});

describe('filter parser: syntax errors carry positions', () => {
  const cases: [string, number, RegExp][] = [
    ['a ==', 4, /mismatched input '<EOF>' expecting an expression/],
    ['a b', 2, /extraneous input 'b' expecting <EOF>/],
    ['(a > 1', 6, /mismatched input '<EOF>' expecting '\)'/],
    ['[1 2]', 3, /mismatched input '2' expecting/],
    ['a # 1', 2, /token recognition error at: '#'/],
    ['a == "open', 5, /token recognition error at: '"'/],
    ['f(1', 3, /expecting '\)'/],
    ['a[x]', 2, /mismatched input 'x'/],
    ['{1}', 1, /mismatched input '1' expecting Identifier/],
    ['a > 1 and', 9, /expecting an expression/],
    ['09', 1, /extraneous input '9'/],
  ];
  for (const [expr, offset, message] of cases) {
    it(expr, () => {
      const issue = syntaxError(expr);
      assert.equal(issue.offset, offset);
      assert.match(issue.message, message);
    });
  }
  it('reports line and column as Milvus does', () => {
    const msg = assertRejects('a > 1 and\n  b <', /line 2:5 mismatched input '<EOF>'/);
    assert.match(msg, /^failed to create query plan: cannot parse expression: /);
    assertRejects('a > 1 and\n  (b # 2)', /line 2:5 token recognition error at: '#'/);
  });
  it('rejects integers beyond int64 and bad path keys', () => {
    assertRejects('a == 9223372036854775808', /value out of range \(at line 1:5\)/);
    assertRejects('json[0x1] == 1', /json key must be enclosed in double quotes/);
    assertRejects('json[""] == 1', /invalid identifier/);
    assertRejects(String.raw`a == "\xZZ"`, /invalid escape sequence/);
  });
  it('limits nesting depth instead of overflowing the stack', () => {
    assert.equal(tree('('.repeat(150) + 'a' + ')'.repeat(150)), 'a');
    assert.equal(tree('not '.repeat(150) + 'a').startsWith('(not (not '), true);
    assertRejects('('.repeat(20000) + 'a' + ')'.repeat(20000), /line 1:200 expression exceeds the maximum nesting depth of 200/);
    assertRejects('not '.repeat(5000) + 'a', /maximum nesting depth/);
    assertRejects('age in ' + '['.repeat(300) + ']'.repeat(300), /maximum nesting depth/);
  });
  it('parses long flat expressions without deep recursion', () => {
    const ids = Array.from({ length: 50000 }, (_, i) => i);
    const list = parseFilter(`uid in [${ids.join(', ')}]`);
    assert.equal(list.kind === 'in' && list.list.kind === 'array' && list.list.items.length, 50000);
    const chain = parseFilter(ids.slice(0, 5000).map((i) => `uid == ${i}`).join(' or '));
    assert.equal(chain.kind, 'binary');
  });
});
