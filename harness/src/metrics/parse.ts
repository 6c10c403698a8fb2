import { FaultlineError } from '../errors.ts';
import type { MetricSample } from '../model/recording.ts';

/**
 * Parses the Prometheus text exposition format 0.0.4 (what prom-client and most exporters
 * serve on /metrics) into flat samples.
 *
 * Grammar, one sample per line (blank lines and lines starting with `#` — HELP, TYPE, comments —
 * are skipped):
 *
 *     line   = name [ "{" [ label { "," label } [ "," ] ] "}" ] value [ timestamp ]
 *     name   = [a-zA-Z_:][a-zA-Z0-9_:]*
 *     label  = [a-zA-Z_][a-zA-Z0-9_]* "=" '"' escaped-text '"'      escapes: \\  \"  \n
 *     value  = a float, `+Inf`, `-Inf` or `NaN`
 *
 * The optional timestamp is ignored (a scrape has its own time). Histograms and summaries come
 * out as the samples they are written as (`_bucket{le=…}`, `_sum`, `_count`): no grouping.
 * Tokens may be separated by spaces or tabs.
 *
 * @throws FaultlineError `FL_ENVIRONMENT` naming the line and quoting it when a line is not a
 *   sample; a scraper should catch it and record a problem rather than end the run.
 */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      samples.push(parseSampleLine(trimmed));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new FaultlineError('FL_ENVIRONMENT', `metrics text line ${index + 1}: ${why}: '${trimmed}'`);
    }
  }
  return samples;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** A tiny cursor over one line; each step consumes what it recognised. */
class Cursor {
  position = 0;
  constructor(readonly text: string) {}
  get rest(): string {
    return this.text.slice(this.position);
  }
  peek(): string | undefined {
    return this.text[this.position];
  }
  skipBlanks(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position++;
  }
  match(pattern: RegExp): string | undefined {
    const found = pattern.exec(this.rest);
    if (!found) return undefined;
    this.position += found[0].length;
    return found[0];
  }
  expect(char: string, what: string): void {
    if (this.peek() !== char) throw new Error(`expected ${what} at column ${this.position + 1}`);
    this.position++;
  }
}

function parseSampleLine(line: string): MetricSample {
  const cursor = new Cursor(line);
  const name = cursor.match(NAME);
  if (!name) throw new Error('expected a metric name');
  cursor.skipBlanks();
  const labels = cursor.peek() === '{' ? parseLabels(cursor) : {};
  cursor.skipBlanks();
  const tokens = cursor.rest.split(/[ \t]+/).filter((token) => token !== '');
  if (tokens.length === 0) throw new Error('expected a value');
  if (tokens.length > 2) throw new Error('unexpected text after the value and timestamp');
  if (tokens.length === 2 && !/^-?\d+$/.test(tokens[1]!)) throw new Error('expected an integer timestamp');
  return { name, labels, value: parseValue(tokens[0]!) };
}

function parseLabels(cursor: Cursor): Record<string, string> {
  const labels: Record<string, string> = {};
  cursor.expect('{', "'{'");
  for (;;) {
    cursor.skipBlanks();
    if (cursor.peek() === '}') break;
    const labelName = cursor.match(LABEL_NAME);
    if (!labelName) throw new Error(`expected a label name at column ${cursor.position + 1}`);
    cursor.skipBlanks();
    cursor.expect('=', "'='");
    cursor.skipBlanks();
    labels[labelName] = parseQuoted(cursor);
    cursor.skipBlanks();
    if (cursor.peek() === ',') {
      cursor.position++;
      continue;
    }
    if (cursor.peek() !== '}') throw new Error(`expected ',' or '}' at column ${cursor.position + 1}`);
  }
  cursor.expect('}', "'}'");
  return labels;
}

/** A double-quoted label value with the format's three escapes; other escapes stay as written. */
function parseQuoted(cursor: Cursor): string {
  cursor.expect('"', 'a quoted label value');
  let value = '';
  for (;;) {
    const char = cursor.peek();
    if (char === undefined) throw new Error('unterminated label value');
    cursor.position++;
    if (char === '"') return value;
    if (char !== '\\') {
      value += char;
      continue;
    }
    const escaped = cursor.peek();
    if (escaped === undefined) throw new Error('unterminated label value');
    cursor.position++;
    if (escaped === 'n') value += '\n';
    else if (escaped === '\\' || escaped === '"') value += escaped;
    else value += `\\${escaped}`;
  }
}

function parseValue(token: string): number {
  if (/^[+-]?inf(inity)?$/i.test(token)) return token.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(token)) return NaN;
  // Number() alone would accept '', '0x1F' and '  '; require a decimal float.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(token)) throw new Error(`'${token}' is not a number`);
  return Number(token);
}
