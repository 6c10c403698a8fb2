import type { z } from 'zod';
import type { InputIssue } from '../errors.ts';
import type { FieldPath, YamlSource } from './source.ts';
import { didYouMean, oneOf } from './suggest.ts';

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'an object';
  return typeof input === 'string' ? `'${input}'` : String(input);
}

const typeNames: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'text',
  object: 'an object (key: value)',
  array: 'a list',
  boolean: 'true or false',
};

/**
 * Messages for zod's generic issue codes (passed as the per-parse error map). Fields with
 * their own error functions (units, links) keep theirs: zod prefers the schema's.
 */
export function genericMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required field is missing';
      return `expected ${typeNames[iss.expected] ?? iss.expected}, got ${describe(iss.input)}`;
    case 'invalid_value':
      return `expected ${oneOf(iss.values.map(String))}, got ${describe(iss.input)}${typeof iss.input === 'string' ? didYouMean(iss.input, iss.values.map(String)) : ''}`;
    case 'too_small':
      return iss.origin === 'array'
        ? `needs at least ${iss.minimum} item(s)`
        : iss.origin === 'string'
          ? 'must not be empty'
          : `must be ${iss.inclusive ? 'at least' : 'greater than'} ${iss.minimum}, got ${describe(iss.input)}`;
    case 'too_big':
      return `must be ${iss.inclusive ? 'at most' : 'less than'} ${iss.maximum}, got ${describe(iss.input)}`;
    case 'invalid_format':
      return `invalid format ${describe(iss.input)}`;
    default:
      return undefined;
  }
}

function valueAt(data: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((value, part) => (value && typeof value === 'object' ? (value as Record<string | number, unknown>)[part] : undefined), data);
}

function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const def = schema._zod.def as unknown as { type: string; shape?: Record<string, Schema> };
  return def.type === 'object' ? def.shape : undefined;
}

function literalValues(schema: Schema | undefined): unknown[] {
  return (schema?._zod.def as { values?: unknown[] } | undefined)?.values ?? [];
}

/** The object shape that applies to `data` at `path` (picking the union branch by discriminator), for "did you mean". */
function knownKeys(schema: Schema, data: unknown, path: FieldPath): string[] {
  let current: Schema | undefined = schema;
  let value = data;
  let depth = 0;
  while (current) {
    const def = current._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') {
      current = def.innerType as Schema;
      continue;
    }
    if (def.type === 'union') {
      const options = def.options as Schema[];
      const discriminator = def.discriminator as string | undefined;
      const tag = discriminator && value && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator] : undefined;
      current = discriminator
        ? options.find((option) => literalValues(shapeOf(option)?.[discriminator]).includes(tag))
        : options.find((option) => shapeOf(option) !== undefined);
      continue;
    }
    const part = path[depth];
    if (part === undefined) return def.type === 'object' ? Object.keys(def.shape as object) : [];
    if (def.type === 'object') current = (def.shape as Record<string, Schema>)[part];
    else if (def.type === 'array') current = def.element as Schema;
    else if (def.type === 'record') current = def.valueType as Schema;
    else return [];
    value = (value as Record<string | number, unknown> | undefined)?.[part];
    depth++;
  }
  return [];
}

/** Turns zod issues into located issues, one per problem (an unknown-keys issue per key). */
export function locateZodIssues(issues: readonly Issue[], source: YamlSource, schema: Schema, prefix: FieldPath = []): InputIssue[] {
  const located: InputIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys(schema, source.data, path);
      for (const key of issue.keys) {
        located.push(
          source.issue([...path, key], `unknown field '${key}'${didYouMean(key, known)}${known.length ? ` (known: ${known.join(', ')})` : ''}`, 'key'),
        );
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      if ('discriminator' in issue && issue.discriminator) {
        const tag = valueAt(source.data, path);
        const options = (issue as { options?: unknown[] }).options?.map(String) ?? [];
        const message =
          tag === undefined
            ? `required field is missing (one of ${oneOf(options)})`
            : `unknown ${issue.discriminator} ${describe(tag)}; expected ${oneOf(options)}${typeof tag === 'string' ? didYouMean(tag, options) : ''}`;
        located.push(source.issue(path, message));
        continue;
      }
      // The branch whose type matched (not a type mismatch at its root) says what is wrong.
      const branch = issue.errors.find((errors) => errors.length > 0 && !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (branch) {
        located.push(...locateZodIssues(branch, source, schema, path));
        continue;
      }
    }
    located.push(source.issue(path, issue.message));
  }
  return located;
}
