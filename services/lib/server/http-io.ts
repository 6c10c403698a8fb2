import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reply } from './router.ts';

/** Largest request body accepted, bytes. */
const maxBodyBytes = 1024 * 1024;

export class BadRequestError extends Error {}

/** Reads a JSON body; undefined when empty. Throws BadRequestError on malformed JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new BadRequestError('request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('request body is not valid JSON');
  }
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const isText = typeof reply.body === 'string' && headers['content-type'] !== undefined;
  const payload = isText ? (reply.body as string) : JSON.stringify(reply.body);
  if (!isText) headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers).end(payload);
}

export function errorReply(status: number, error: string, message: string): Reply {
  return { status, body: { error, message } };
}

/** Whether the peer is on this machine: admin routes answer only such peers. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
