import type { ActiveToxic, Direction } from '../proxy/active-toxic.ts';
import { ApiError } from '../proxy/collection.ts';
import type { ToxicChains } from '../proxy/toxic-chains.ts';
import { toxicKind } from '../toxics/registry.ts';
import type { Attributes, ToxicKind } from '../toxics/toxic.ts';
import { decodeStruct, type GoType } from './go-json.ts';

const envelopeFields: Record<string, GoType> = { name: 'string', type: 'string', stream: 'string', toxicity: 'float32', attributes: 'object' };
const envelopeNames = { struct: 'ToxicWrapper', value: 'toxics.ToxicWrapper', goTypes: { attributes: 'toxics.NoopToxic' } };

function decodeAttributes(kind: ToxicKind, value: unknown): Record<string, number> {
  const fields = Object.fromEntries(kind.attributes.map((a) => [a.name, a.goType]));
  return decodeStruct(value, fields, { struct: kind.goStruct, value: `toxics.${kind.goStruct}`, fieldPrefix: 'attributes.' }) as Record<string, number>;
}

/**
 * Where faultline is stricter than Toxiproxy (which accepts and echoes these, or crashes on
 * them): toxicity outside 0..1, negative attributes, and each type's own rule.
 */
function checkRanges(kind: ToxicKind, toxicity: number, attributes: Attributes): void {
  if (!(toxicity >= 0 && toxicity <= 1)) throw new ApiError(`invalid toxicity ${toxicity}: must be between 0 and 1`, 400);
  for (const spec of kind.attributes) {
    const value = attributes[spec.name] ?? 0;
    if (value < 0) throw new ApiError(`invalid attribute ${spec.name} ${value}: must not be negative`, 400);
  }
  const problem = kind.validate?.(attributes);
  if (problem) throw new ApiError(`invalid attribute ${problem}`, 400);
}

/** Decodes and checks a new toxic in Toxiproxy's order (stream, name default, type, name taken, attributes). */
export function decodeNewToxic(body: unknown, chains: ToxicChains): ActiveToxic {
  const envelope = decodeStruct(body, envelopeFields, envelopeNames);
  const stream = (envelope.stream as string | undefined) ?? 'downstream';
  const direction = stream.toLowerCase();
  if (direction !== 'upstream' && direction !== 'downstream') throw new ApiError('stream was invalid, can be either upstream or downstream', 400);
  const type = (envelope.type as string | undefined) ?? '';
  const name = (envelope.name as string | undefined) || `${type}_${stream}`;
  const kind = toxicKind(type);
  if (!kind) throw new ApiError('invalid toxic type', 400);
  if (chains.find(name)) throw new ApiError('toxic already exists', 409);
  if (kind.streams && !kind.streams.includes(direction)) throw new ApiError(`the ${type} toxic works on the ${kind.streams.join(' and ')} stream only`, 400);
  const attributes = decodeAttributes(kind, envelope.attributes ?? null);
  const toxicity = (envelope.toxicity as number | undefined) ?? 1;
  checkRanges(kind, toxicity, attributes);
  return { name, kind, stream, direction: direction as Direction, toxicity, attributes, appliedConnections: chains.counterFor(name, type, stream) };
}

/** Decodes an update: only `toxicity` and `attributes` (merged over the current ones) are read. */
export function decodeToxicUpdate(body: unknown, toxic: ActiveToxic): { toxicity: number; attributes: Attributes } {
  const input = decodeStruct(body, { toxicity: 'float32', attributes: 'object' }, envelopeNames);
  const attributes = { ...toxic.attributes, ...decodeAttributes(toxic.kind, input.attributes ?? null) };
  const toxicity = (input.toxicity as number | undefined) ?? toxic.toxicity;
  checkRanges(toxic.kind, toxicity, attributes);
  return { toxicity, attributes };
}
