import { CST } from 'yaml';

/**
 * Limits a YAML input file must stay within before the `yaml` package builds its tree: a chaos
 * tool must refuse any file quickly and in bounded memory, never crash on one. Each check
 * returns a position (offset in the text, or in the bytes) and a message, or undefined.
 *
 * Why each exists (found by `npm run fuzz`):
 * - size: a scenario or topology file is a few kilobytes; 64 KiB is far beyond any real one and
 *   bounds the time and memory of every later stage;
 * - UTF-8: files are read as bytes; Node's lenient decoding would turn a bad byte into U+FFFD
 *   silently, so a service name could differ from what the author sees. We say where it is;
 * - nesting: the yaml package composes recursively; deep nesting overflows the stack, which it
 *   catches, but in Node 20 a second overflow in the same process can abort V8 itself (a fatal
 *   out-of-memory in the RegExp compiler). So depth is measured on the concrete syntax tree,
 *   which the yaml package builds without recursion, and a deep file never reaches the composer;
 * - aliases: `maxAliasCount` (the yaml package's guard against "billion laughs") is set
 *   explicitly; aliases can also stack depth without any deep text, so the data's depth is
 *   checked after expansion too.
 */

/** Largest accepted input file, bytes. */
export const MAX_FILE_BYTES = 64 * 1024;
/** Deepest accepted nesting of collections (a scenario needs about 5). */
export const MAX_NESTING_DEPTH = 64;
/** Alias expansions allowed when converting to data (yaml's own default, made explicit). */
export const MAX_ALIAS_COUNT = 100;

export interface LimitBreach {
  /** Offset into the text (or, for bytes, the byte offset, and the text decoded before it). */
  offset: number;
  message: string;
}

/** Decodes a file's bytes as UTF-8 (a BOM is dropped), or says where the first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { breach: LimitBreach; textBefore: string } {
  if (bytes.length > MAX_FILE_BYTES) {
    return {
      breach: {
        offset: 0,
        message: `the file is ${bytes.length} bytes; scenario and topology files are limited to ${MAX_FILE_BYTES} bytes (64 KiB; the largest in the catalog is under 2 KiB)`,
      },
      textBefore: '',
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8Byte(bytes);
    const textBefore = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const shown = [...bytes.subarray(bad, bad + 4)].map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
    return { breach: { offset: bad, message: `the file is not valid UTF-8: invalid byte sequence (${shown}) at byte ${bad}; save it as UTF-8` }, textBefore };
  }
}

/**
 * The first byte at which `bytes` stops being UTF-8. A streaming fatal decoder accepts exactly
 * the prefixes that are valid or end mid-character, so validity of prefixes is monotonic: a
 * binary search finds the longest one in O(log n) decodes (only on the error path).
 */
function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const validPrefix = (length: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0; // a valid prefix length
  let high = bytes.length; // an invalid one (the whole file failed to decode)
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (validPrefix(middle)) low = middle;
    else high = middle;
  }
  // `low` bytes are valid but may end inside a character (at most 3 bytes of one): the bad
  // sequence starts where the last complete character ends.
  const complete = (length: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length));
      return true;
    } catch {
      return false;
    }
  };
  let start = low;
  while (start > 0 && start > low - 3 && !complete(start)) start--;
  return start;
}

type Walk = { token: CST.Token; depth: number };

function children(token: CST.Token): CST.Token[] {
  switch (token.type) {
    case 'document':
      return token.value ? [token.value] : [];
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      return token.items.flatMap((item) => [...('key' in item && item.key ? [item.key] : []), ...(item.value ? [item.value] : [])]);
    default:
      return [];
  }
}

/** The first collection nested deeper than MAX_NESTING_DEPTH in a concrete syntax tree
 * (`new Parser().parse(text)`), walked without recursion. */
export function nestingBreach(tokens: readonly CST.Token[]): LimitBreach | undefined {
  const stack: Walk[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    const nested = CST.isCollection(token) ? depth + 1 : depth;
    if (nested > MAX_NESTING_DEPTH) {
      return { offset: token.offset, message: `collections are nested more than ${MAX_NESTING_DEPTH} deep here; a scenario or topology needs a handful` };
    }
    for (const child of children(token)) stack.push({ token: child, depth: nested });
  }
  return undefined;
}

/**
 * Whether plain data (after alias expansion) nests deeper than MAX_NESTING_DEPTH, or holds a
 * cycle (a recursive alias, `a: &a [*a]`, becomes a cyclic object: infinitely deep). Heights are
 * computed bottom-up without recursion and memoised per object, so an object shared by many
 * aliases is measured once.
 */
export function dataTooDeep(data: unknown): boolean {
  const height = new Map<object, number>();
  const onPath = new Set<object>();
  const stack: { value: object; expanded: boolean }[] = [];
  const push = (value: unknown) => {
    if (value !== null && typeof value === 'object' && !height.has(value)) stack.push({ value, expanded: false });
  };
  push(data);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.expanded) {
      stack.pop();
      onPath.delete(top.value);
      const below = Object.values(top.value).reduce<number>(
        (max, child) => Math.max(max, (child !== null && typeof child === 'object' && height.get(child)) || 0),
        0,
      );
      height.set(top.value, below + 1);
      if (below + 1 > MAX_NESTING_DEPTH) return true;
      continue;
    }
    if (height.has(top.value)) {
      stack.pop();
      continue;
    }
    if (onPath.has(top.value)) return true;
    top.expanded = true;
    onPath.add(top.value);
    for (const child of Object.values(top.value)) {
      if (child !== null && typeof child === 'object' && onPath.has(child)) return true;
      push(child);
    }
  }
  return false;
}

/**
 * The path of the first `__proto__` key, if any. The yaml package keeps it as an own property,
 * but zod's records skip it: a service named `__proto__` passed the schema and then crashed the
 * topology loader (found by fuzzing). It is never a sensible name, so it is refused, located.
 */
export function protoKeyPath(data: unknown): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, Array.isArray(value) ? Number(key) : key];
      if (key === '__proto__' && !Array.isArray(value)) return childPath;
      stack.push({ value: child, path: childPath });
    }
  }
  return undefined;
}

/** Line and column (1-based) of an offset, for a breach found before the document exists. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
