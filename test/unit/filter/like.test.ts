import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLike, parseLike } from '../../../src/shared/filter/like.ts';

describe('LIKE patterns', () => {
  it('splits patterns into text and wildcards', () => {
    assert.deepEqual(parseLike('ab%c_'), [{ kind: 'text', text: 'ab' }, { kind: 'any' }, { kind: 'text', text: 'c' }, { kind: 'one' }]);
    assert.deepEqual(parseLike('%%a%%%'), [{ kind: 'any' }, { kind: 'text', text: 'a' }, { kind: 'any' }]);
    assert.deepEqual(parseLike(String.raw`a\%b\_c\\`), [{ kind: 'text', text: 'a%b_c\\' }]);
    assert.deepEqual(parseLike('trailing\\'), [{ kind: 'text', text: 'trailing\\' }]);
    assert.deepEqual(parseLike(''), []);
  });

  const cases: [string, string, boolean][] = [
    ['p%', 'pear', true],
    ['p%', 'apple', false],
    ['p%', 'p', true],
    ['%e', 'apple', true],
    ['%e', 'pear', false],
    ['%pl%', 'apple', true],
    ['%pl%', 'pear', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['', '', true],
    ['', 'x', false],
    ['%', '', true],
    ['%%', 'anything', true],
    ['_', 'x', true],
    ['_', '', false],
    ['_', 'xy', false],
    ['a_c', 'abc', true],
    ['a_c', 'ac', false],
    ['a%c', 'abbbc', true],
    ['a%c', 'abbbd', false],
    ['%a%b%', 'xaybz', true],
    ['%a%b%', 'xbya', false],
    ['a.c', 'abc', false],
    ['a.c', 'a.c', true],
    ['(x)%', '(x)y', true],
    ['[a]_', '[a]b', true],
    ['$^%', '$^z', true],
    ['a+b*', 'a+b*', true],
    ['a|b', 'a', false],
    ['{1}_', '{1}x', true],
    [String.raw`100\%`, '100%', true],
    [String.raw`100\%`, '1000', false],
    [String.raw`a\_b`, 'a_b', true],
    [String.raw`a\_b`, 'axb', false],
    [String.raw`%\\`, 'x\\', true],
    [String.raw`\%%`, '%abc', true],
    ['_😀_', 'a😀b', true],
    ['__', '😀', false],
    ['a_b', 'a\nb', true],
    ['%x', 'line\nx', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${JSON.stringify(value)} like ${JSON.stringify(pattern)} is ${expected}`, () => {
      assert.equal(compileLike(pattern)(value), expected);
    });
  }
});
