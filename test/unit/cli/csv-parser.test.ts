/** The RFC 4180 reader: quoting, line breaks of every kind, chunk boundaries anywhere, errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvParser } from '../../../src/cli/sources/csv-parser.ts';
import { SourceError } from '../../../src/cli/sources/source.ts';

function parseAll(text: string, chunk = text.length || 1): string[][] {
  const p = new CsvParser();
  const out: string[][] = [];
  for (let i = 0; i < text.length; i += chunk) out.push(...p.push(text.slice(i, i + chunk)));
  out.push(...p.end());
  return out;
}

const SAMPLE = 'a,b,c\r\n1,"x, y","he said ""hi"""\r\n2,"multi\r\nline\nfield",\n\n3,,"last"';
const EXPECTED = [
  ['a', 'b', 'c'],
  ['1', 'x, y', 'he said "hi"'],
  ['2', 'multi\r\nline\nfield', ''],
  ['3', '', 'last'],
];

describe('CsvParser', () => {
  it('reads quoted fields, doubled quotes, embedded line breaks, empty fields and skips blank lines', () => {
    assert.deepEqual(parseAll(SAMPLE), EXPECTED);
  });

  it('gives the same records whatever the chunk size (quotes and CRLF split across chunks)', () => {
    for (const chunk of [1, 2, 3, 5, 7, 13]) assert.deepEqual(parseAll(SAMPLE, chunk), EXPECTED, `chunk ${chunk}`);
  });

  it('accepts LF, CRLF and lone CR record ends and a missing final line break', () => {
    assert.deepEqual(parseAll('a,b\nc,d\r\ne,f\rg,h'), [['a', 'b'], ['c', 'd'], ['e', 'f'], ['g', 'h']]);
    assert.deepEqual(parseAll('a,b\n'), [['a', 'b']]);
    assert.deepEqual(parseAll('"",x\n'), [['', 'x']]);
  });

  it('rejects malformed quoting with the line number', () => {
    assert.throws(() => parseAll('a,b\nx"y,z\n'), (e: unknown) => e instanceof SourceError && /line 2: a quote inside an unquoted field/.test(e.message));
    assert.throws(() => parseAll('a\n"ab"c\n'), (e: unknown) => e instanceof SourceError && /line 2: text after a closing quote/.test(e.message));
    assert.throws(() => parseAll('a\n"open\nstill open'), (e: unknown) => e instanceof SourceError && /line 2: quoted field is not terminated/.test(e.message));
  });

  it('supports another delimiter', () => {
    const p = new CsvParser(';');
    assert.deepEqual([...p.push('a;"b;c"\n'), ...p.end()], [['a', 'b;c']]);
  });
});
