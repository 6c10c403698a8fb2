/**
 * JSON Pointers (RFC 6901) as the scenario's `async:` block writes them: `/id`,
 * `/payload/tripId`, `/items/0/id`. The load generator reads the id of an accepted request with
 * one, the messaging observer the id a message completes; both compile the pointer once and
 * apply it to every body.
 */

/** `/` followed by reference tokens; `~` only as `~0` (a `~`) or `~1` (a `/`). The whole
 * document (the empty pointer) is not allowed: an id is a field of a body, not the body. */
export const JSON_POINTER_PATTERN = '^(?:/(?:[^~/]|~[01])*)+$';

/** The tokens of a pointer that matches JSON_POINTER_PATTERN, unescaped. */
export function pointerTokens(pointer: string): string[] {
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * A function that reads the value at `pointer` as an id: a non-empty string, or a finite number
 * as its decimal text (`{"id": 42}` and `{"id": "42"}` name the same request); anything else
 * (missing, an object, an empty string) is `undefined`.
 */
export function idReader(pointer: string): (document: unknown) => string | undefined {
  const tokens = pointerTokens(pointer);
  return (document) => {
    let value: unknown = document;
    for (const token of tokens) {
      if (Array.isArray(value)) {
        // RFC 6901: an array index is decimal digits without a leading zero.
        if (!/^(?:0|[1-9]\d*)$/.test(token)) return undefined;
        value = value[Number(token)];
      } else if (value !== null && typeof value === 'object' && Object.hasOwn(value, token)) {
        value = (value as Record<string, unknown>)[token];
      } else {
        return undefined;
      }
    }
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return undefined;
  };
}
