import { randomUUID } from 'node:crypto';

/**
 * What travels on every channel: an id that identifies the message across redeliveries (the key
 * idempotent consumers deduplicate on), its type, when the event happened, and the payload.
 * The AsyncAPI documents (services/<name>/asyncapi.yaml) describe the payloads per channel.
 */
export interface Envelope<T = unknown> {
  id: string;
  type: string;
  /** ISO 8601; the delivery-lag histogram measures from here. */
  occurredAt: string;
  payload: T;
}

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  readonly code = 'BAD_ENVELOPE';
}

export function newEnvelope<T>(type: string, payload: T, now: Date = new Date()): Envelope<T> {
  return { id: randomUUID(), type, occurredAt: now.toISOString(), payload };
}

export function encodeEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelope));
}

/** Robust reader: unknown fields are ignored (contracts evolve), missing ones are an error. */
export function decodeEnvelope(bytes: Buffer | Uint8Array): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new EnvelopeError(`message is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new EnvelopeError('message is not a JSON object');
  const record = value as Record<string, unknown>;
  for (const field of ['id', 'type', 'occurredAt'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') throw new EnvelopeError(`message field '${field}' must be a non-empty string`);
  }
  if (Number.isNaN(Date.parse(record['occurredAt'] as string)))
    throw new EnvelopeError(`message field 'occurredAt' is not a date: ${String(record['occurredAt'])}`);
  if (!('payload' in record)) throw new EnvelopeError("message field 'payload' is missing");
  return { id: record['id'] as string, type: record['type'] as string, occurredAt: record['occurredAt'] as string, payload: record['payload'] };
}
