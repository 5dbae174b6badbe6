/**
 * An incremental RFC 4180 reader: fields separated by a delimiter, records by CRLF, LF or CR;
 * a field in double quotes may hold delimiters, line breaks and doubled quotes (""). Text is
 * pushed in chunks of any size (a quote or CRLF may straddle two chunks). Blank lines are skipped.
 * Malformed input (a quote inside an unquoted field, text after a closing quote, an unterminated
 * quoted field) throws SourceError with the line number.
 */
import { SourceError } from './source.ts';

type State = 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted';

export class CsvParser {
  private fields: string[] = [];
  private field = '';
  private state: State = 'start';
  private skipLf = false;
  /** Line of the next character, 1-based (line breaks inside quoted fields count). */
  private line = 1;
  /** Line where the current record began, for error messages. */
  private recordLine = 1;
  private out: string[][] = [];

  constructor(private readonly delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error('the delimiter must be one character other than a quote or a line break');
    }
  }

  /** Consumes a chunk; returns the records it completed. */
  push(text: string): string[][] {
    const d = this.delimiter;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (this.skipLf) {
        this.skipLf = false;
        if (ch === '\n') continue;
      }
      switch (this.state) {
        case 'start':
        case 'unquoted':
          if (ch === d) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch);
          else if (ch === '"') {
            if (this.state !== 'start') throw this.error('a quote inside an unquoted field (quote the whole field)');
            this.state = 'quoted';
          } else {
            let j = i + 1;
            while (j < text.length && text[j] !== d && text[j] !== '\n' && text[j] !== '\r' && text[j] !== '"') j++;
            this.field += text.slice(i, j);
            this.state = 'unquoted';
            i = j - 1;
          }
          break;
        case 'quoted': {
          if (ch === '"') {
            this.state = 'quote-in-quoted';
            break;
          }
          const q = text.indexOf('"', i);
          const end = q < 0 ? text.length : q;
          const piece = text.slice(i, end);
          for (let k = 0; k < piece.length; k++) {
            if (piece[k] === '\n' || (piece[k] === '\r' && piece[k + 1] !== '\n')) this.line++;
          }
          this.field += piece;
          i = end - 1;
          break;
        }
        case 'quote-in-quoted':
          if (ch === '"') {
            this.field += '"';
            this.state = 'quoted';
          } else if (ch === d) this.endField();
          else if (ch === '\n' || ch === '\r') this.endRecord(ch);
          else throw this.error('text after a closing quote');
          break;
      }
    }
    return this.take();
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): string[][] {
    if (this.state === 'quoted') throw new SourceError(`line ${this.recordLine}: quoted field is not terminated`);
    if (this.state !== 'start' || this.fields.length > 0) this.endRecord('\n');
    return this.take();
  }

  private take(): string[][] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private endRecord(ch: string): void {
    this.endField();
    const blank = this.fields.length === 1 && this.fields[0] === '';
    if (!blank) this.out.push(this.fields);
    this.fields = [];
    this.line++;
    this.recordLine = this.line;
    if (ch === '\r') this.skipLf = true;
  }

  private error(what: string): SourceError {
    return new SourceError(`line ${this.line}: ${what}`);
  }
}
