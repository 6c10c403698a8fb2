import { ApiError } from '../proxy/collection.ts';

/** JSON as Go's encoding/json writes it: compact, with <, > and & escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const badRequestBody = (detail: string): ApiError => new ApiError(`bad request body: ${detail}`, 400);

/**
 * Parses a request body, failing with Toxiproxy's 400 and (close to) Go's wording: an empty
 * body is `EOF`, a truncated one `unexpected EOF`, a stray character `invalid character 'x' …`.
 */
export function parseBody(text: string): unknown {
  if (text.trim() === '') throw badRequestBody('EOF');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/end of (JSON|data)|Unterminated/i.test(message)) throw badRequestBody('unexpected EOF');
    const token = /Unexpected token '?(.)'?/.exec(message)?.[1] ?? /Unexpected non-whitespace character/.exec(message)?.[0];
    const char = token && token.length === 1 ? token : firstUnexpected(text);
    throw badRequestBody(`invalid character '${char}' looking for beginning of value`);
  }
}

function firstUnexpected(text: string): string {
  return text.trim().charAt(0);
}

/** The Go types our request structs use. */
export type GoType = 'string' | 'bool' | 'float32' | 'int64' | 'int' | 'object';

function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return Array.isArray(value) ? 'array' : 'object';
}

function fits(value: unknown, type: GoType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'float32':
      return typeof value === 'number';
    case 'int64':
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
  }
}

function unmarshalError(value: unknown, where: string, type: string): ApiError {
  const kind = typeof value === 'number' ? `number ${value}` : jsonKind(value);
  return badRequestBody(`json: cannot unmarshal ${kind} into ${where} of type ${type}`);
}

/**
 * Decodes a JSON object into known fields the way Go's decoder does: keys match
 * case-insensitively, later keys win, unknown keys and nulls are ignored, a wrong type is a 400
 * naming the Go struct field (`json: cannot unmarshal string into Go struct field Proxy.enabled
 * of type bool`).
 */
export function decodeStruct(
  value: unknown,
  fields: Readonly<Record<string, GoType>>,
  names: { struct: string; value: string; goTypes?: Readonly<Record<string, string>>; fieldPrefix?: string },
): Record<string, unknown> {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw unmarshalError(value, 'Go value', names.value);
  const out: Record<string, unknown> = {};
  const byLowerName = new Map(Object.keys(fields).map((f) => [f.toLowerCase(), f]));
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const name = fields[key] ? key : byLowerName.get(key.toLowerCase());
    if (name === undefined || field === null) continue;
    const type = fields[name]!;
    if (!fits(field, type)) {
      const goType = names.goTypes?.[name] ?? (type === 'object' ? 'object' : type);
      throw unmarshalError(field, `Go struct field ${names.struct}.${names.fieldPrefix ?? ''}${name}`, goType);
    }
    out[name] = field;
  }
  return out;
}
