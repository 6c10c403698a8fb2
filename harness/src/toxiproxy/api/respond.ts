import type { ServerResponse } from 'node:http';
import type { ApiError } from '../proxy/collection.ts';
import { goJson } from './go-json.ts';

/** Success with JSON: compact, no trailing newline, `application/json`. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = goJson(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** A body-less answer (204, and 405 which Toxiproxy sends without Content-Type). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** Go's http.Error: text/plain, nosniff, body plus newline. */
export function sendText(res: ServerResponse, status: number, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** An API error as Toxiproxy sends it: `{"error":"…","status":N}\n`, labelled text/plain. */
export function sendApiError(res: ServerResponse, error: ApiError): void {
  sendText(res, error.status, goJson({ error: error.message, status: error.status }));
}

export function sendNotFound(res: ServerResponse): void {
  sendText(res, 404, '404 page not found');
}
