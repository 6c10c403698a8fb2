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
    throw badRequestBody(goSyntaxError(text, error instanceof Error ? error.message : String(error)));
  }
}

/** Go's wording for the JSON syntax errors V8 reports (close, not always identical). */
function goSyntaxError(text: string, v8Message: string): string {
  if (/end of JSON input|Unterminated/i.test(v8Message)) return 'unexpected EOF';
  const position = /at position (\d+)/.exec(v8Message);
  const token = /Unexpected token '(.)'/.exec(v8Message)?.[1];
  const char = position ? text.charAt(Number(position[1])) : (token ?? text.trim().charAt(0));
  if (/after JSON/.test(v8Message)) return `invalid character '${char}' after top-level value`;
  if (/property name/.test(v8Message) && !/after property name/.test(v8Message))
    return `invalid character '${char}' looking for beginning of object key string`;
  if (/after property name/.test(v8Message)) return `invalid character '${char}' after object key`;
  return `invalid character '${char}' looking for beginning of value`;
}

/** The Go types our request structs use. */
export type GoType = 'string' | 'bool' | 'float32' | 'float64' | 'int64' | 'int' | 'object';

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
    case 'float64':
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
