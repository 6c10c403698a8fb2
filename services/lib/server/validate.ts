import type { z } from 'zod';
import { errorReply } from './http-io.ts';
import type { Reply } from './router.ts';

/** Parses a request body with a schema: the value, or a 400 reply naming the first bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): { value: T } | { reply: Reply } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'body';
  return { reply: errorReply(400, 'bad_request', `${field}: ${issue.message}`) };
}
