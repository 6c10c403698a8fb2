import { readFile } from 'node:fs/promises';
import { Composer, LineCounter, Parser, YAMLParseError, isMap, isScalar, isSeq } from 'yaml';
import type { CST, Document, Node, Pair } from 'yaml';
import type { InputIssue } from '../errors.ts';
import { MAX_ALIAS_COUNT, dataTooDeep, decodeUtf8, nestingBreach, positionOf, protoKeyPath } from './limits.ts';

/** A path into a document: keys and array indexes, e.g. `['faults', 1, 'at']`. */
export type FieldPath = readonly (string | number)[];

/** `faults[1].at` */
export function formatPath(path: FieldPath): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

/**
 * A YAML file kept with its parse tree, so that any field path can be turned back into a
 * line and column. Built by `readYamlSource`; `issues` holds read and syntax problems.
 */
export interface YamlSource {
  file: string;
  /** The plain data (undefined when the file could not be read or parsed). */
  data: unknown;
  /** Problems found while reading and parsing; when non-empty, `data` is not to be trusted. */
  issues: InputIssue[];
  /** A located issue at `path`. With `at: 'key'` it points at the key, not the value. */
  issue(path: FieldPath, message: string, at?: 'key' | 'value', columnOffset?: number): InputIssue;
  /** The YAML node at `path`, when it exists (for precise positions inside scalars). */
  node(path: FieldPath): Node | undefined;
}

function pairFor(map: Node, key: string | number): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === key) as Pair | undefined;
}

/** Deepest existing node along `path`, the pair's key when `at` is 'key' and the whole path exists. */
function deepestNode(doc: Document, path: FieldPath, at: 'key' | 'value'): Node | undefined {
  let node: Node | undefined = (doc.contents as Node | null) ?? undefined;
  if (!node) return undefined;
  for (const [index, part] of path.entries()) {
    const current: Node = node;
    if (isSeq(current)) {
      const item: Node | undefined = typeof part === 'number' ? (current.items[part] as Node | undefined) : undefined;
      if (!item) return current;
      node = item;
      continue;
    }
    const pair = pairFor(current, part);
    if (!pair) return current; // a missing field: point at the object that lacks it
    if (index === path.length - 1 && at === 'key') return pair.key as Node;
    const value = pair.value as Node | null;
    // A key with no value (`at:`) has no useful value position: point at the key.
    if (!value || (isScalar(value) && value.value === null)) return pair.key as Node;
    node = value;
  }
  return node;
}

/** A source that could not be parsed, with one issue saying why and where. */
function refusedSource(file: string, issue: Omit<InputIssue, 'file' | 'field'>): YamlSource {
  const located: InputIssue = { file, field: '', ...issue };
  return {
    file,
    data: undefined,
    issues: [located],
    issue: (path, message) => ({ file, line: 1, column: 1, field: formatPath(path), message }),
    node: () => undefined,
  };
}

/**
 * The first YAML document of the tokens, with an error for any further one: what the yaml
 * package's parseDocument does, split so that the syntax tree can be checked in between.
 * Warnings (e.g. a collection used as a key, stringified) are not printed: the schema
 * reports what is wrong with such a key.
 */
function composeFirstDocument(tokens: readonly CST.Token[], length: number): Document.Parsed {
  let doc: Document.Parsed | undefined;
  for (const next of new Composer({ uniqueKeys: true, logLevel: 'error' }).compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  return doc!;
}

export function sourceFromText(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  // Before the yaml package composes the document: see limits.ts for why.
  const tooDeep = nestingBreach(tokens);
  if (tooDeep) {
    const { line, col } = lineCounter.linePos(tooDeep.offset);
    return refusedSource(file, { line, column: col, message: tooDeep.message });
  }
  const doc = composeFirstDocument(tokens, text.length);
  const position = (offset: number) => lineCounter.linePos(offset);
  const source: YamlSource = {
    file,
    data: undefined,
    issues: [],
    issue(path, message, at = 'value', columnOffset = 0) {
      const node = deepestNode(doc, path, at);
      const { line, col } = node?.range ? position(node.range[0]) : { line: 1, col: 1 };
      return { file, line, column: col + columnOffset, field: formatPath(path), message };
    },
    node(path) {
      const node = doc.getIn(path, true);
      return node && typeof node === 'object' ? (node as Node) : undefined;
    },
  };
  for (const error of doc.errors) {
    const at = error.linePos?.[0] ?? position(error.pos[0]);
    const message = error.code === 'MULTIPLE_DOCS' ? 'the file holds several YAML documents (---); keep one' : error.message.split('\n')[0];
    source.issues.push({ file, line: at.line, column: at.col, field: '', message: `YAML syntax error: ${message}` });
  }
  if (source.issues.length > 0) return source;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    source.issues.push({ file, line: 1, column: 1, field: '', message: 'the file is empty' });
    return source;
  }
  try {
    const data: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (dataTooDeep(data)) {
      source.issues.push({ file, line: 1, column: 1, field: '', message: 'aliases nest the data too deep (or into itself); write the values out' });
      return source;
    }
    const proto = protoKeyPath(data);
    if (proto) {
      source.issues.push(source.issue(proto, "'__proto__' cannot be a key (it names no field, service or label)", 'key'));
      return source;
    }
    source.data = data;
  } catch (error) {
    source.issues.push({ file, line: 1, column: 1, field: '', message: `YAML error: ${(error as Error).message}` });
  }
  return source;
}

/** Parses a file's bytes: too large or not UTF-8 is a located issue (see limits.ts). */
export function sourceFromBytes(file: string, bytes: Uint8Array): YamlSource {
  const decoded = decodeUtf8(bytes);
  if ('text' in decoded) return sourceFromText(file, decoded.text);
  const { line, col } = positionOf(decoded.textBefore, decoded.textBefore.length);
  return refusedSource(file, { line, column: col, message: decoded.breach.message });
}

/** Reads and parses a YAML file; a missing or unreadable file is a located issue, not a throw. */
export async function readYamlSource(file: string): Promise<YamlSource> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file: ${(error as Error).message}`;
    return refusedSource(file, { line: 1, column: 1, message: reason });
  }
  return sourceFromBytes(file, bytes);
}
