import type { z } from 'zod';
import type { InputIssue } from '../errors.ts';
import type { FieldPath, YamlSource } from './source.ts';
import { genericMessage, locateZodIssues } from './zod-issues.ts';

/** A value with the path it came from, so later stages can still locate their issues. */
export interface Located<T> {
  path: FieldPath;
  value: T;
}

/** Collects located issues for one source file. */
export class IssueList {
  readonly issues: InputIssue[] = [];
  constructor(readonly source: YamlSource) {}
  add(path: FieldPath, message: string, at: 'key' | 'value' = 'value', columnOffset = 0): void {
    this.issues.push(this.source.issue(path, message, at, columnOffset));
  }
  /** Issues of this file in reading order (other files' issues keep their place at the end). */
  sorted(): InputIssue[] {
    const own = (issue: InputIssue) => issue.file === this.source.file;
    return [...this.issues.filter(own).sort((a, b) => a.line - b.line || a.column - b.column), ...this.issues.filter((i) => !own(i))];
  }
}

/** Stage 1: the whole document against its schema; every issue, located. */
export function schemaIssues(schema: z.ZodType, source: YamlSource): InputIssue[] {
  const result = schema.safeParse(source.data, { error: genericMessage, reportInput: true });
  return result.success ? [] : locateZodIssues(result.error.issues, source, schema);
}

/**
 * The valid part of one section (so later stages can still check it when another section is
 * broken): `undefined` when it does not parse. Its issues were already reported by stage 1.
 */
export function salvage<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** The items of a list section that parse on their own, with their paths. */
export function salvageItems<S extends z.ZodType>(schema: S, list: unknown, path: FieldPath): Located<z.infer<S>>[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index) => {
    const value = salvage(schema, item);
    return value === undefined ? [] : [{ path: [...path, index], value }];
  });
}

/** A field of a plain object, or undefined. */
export function field(data: unknown, key: string): unknown {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>)[key] : undefined;
}
