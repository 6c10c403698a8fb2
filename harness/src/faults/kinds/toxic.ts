import { z } from 'zod';
import { durationText, linkText, ratioValue } from '../../document/fields.ts';
import { formatLink, parseLink, proxyName } from '../../document/link.ts';
import { parseDuration, parseRatio } from '../../document/units.ts';
import type { FaultContext } from '../context.ts';
import { faultObject, type FaultBase, type FaultKind } from '../kind.ts';
import { attributesOf, isTimeAttribute, toxicTypes, type ToxicType } from '../toxics.ts';

/** A Toxiproxy toxic on the link `caller -> callee` (the proxy `caller_to_callee`). */
export interface ToxicFault extends FaultBase {
  kind: 'toxic';
  caller: string;
  callee: string;
  toxic: ToxicType;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  /** Toxiproxy attributes in Toxiproxy's units (ms, KB/s, bytes, µs for slicer delay). */
  attributes: Readonly<Record<string, number>>;
}

function attributesDocument(type: ToxicType) {
  const shape = Object.fromEntries(
    Object.entries(attributesOf(type)).map(([name, attribute]) => {
      const count = z.int().min(0);
      const value = isTimeAttribute(attribute) ? z.union([durationText, count]) : count;
      return [name, value.optional().meta({ description: `${attribute.description} (${attribute.unit}; default 0)` })];
    }),
  );
  return z.strictObject(shape);
}

function toxicDocument(type: ToxicType) {
  return faultObject(type, {
    link: linkText,
    stream: z.enum(['upstream', 'downstream']).optional().meta({ description: 'Default downstream.' }),
    toxicity: ratioValue.optional().meta({ description: 'Share of connections affected; default 1.' }),
    attributes: attributesDocument(type).optional(),
  });
}

type ToxicDocument = z.infer<ReturnType<typeof toxicDocument>>;

/** Attributes in Toxiproxy's units, every one present (default 0, as in Toxiproxy). */
function attributeValues(type: ToxicType, given: Readonly<Record<string, string | number | undefined>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(attributesOf(type)).map(([name, attribute]) => {
      const value = given[name] ?? 0;
      if (typeof value === 'number') return [name, value];
      const ms = parseDuration(value)!;
      // Toxiproxy takes whole ms (µs for the slicer delay).
      return [name, Math.round(attribute.unit === 'us' ? ms * 1000 : ms)];
    }),
  );
}

/** The run's name for the toxic: `faultline_<runId>_<faultId>`, so a shared Toxiproxy can
 * tell whose it is. */
const toxicName = (fault: ToxicFault, ctx: FaultContext): string => `${ctx.toxicPrefix}${fault.id}`;

/** A Toxiproxy toxic on a link, one YAML `type` per toxic; added at `at`, removed at `at + for`. */
export const toxicFault: FaultKind<ToxicDocument, ToxicFault> = {
  kind: 'toxic',
  documents: toxicTypes.map(toxicDocument),
  normalise: (doc, timing) => ({
    kind: 'toxic',
    ...timing,
    ...parseLink(doc.link)!,
    toxic: doc.type as ToxicType,
    stream: doc.stream ?? 'downstream',
    toxicity: doc.toxicity === undefined ? 1 : parseRatio(doc.toxicity)!,
    attributes: attributeValues(doc.type as ToxicType, (doc.attributes ?? {}) as Record<string, string | number | undefined>),
  }),
  slot: (fault) => `a ${fault.toxic} toxic (${fault.stream}) on ${formatLink(fault)}`,
  describe: (fault) => `${fault.toxic} ${fault.caller} -> ${fault.callee} (${fault.stream}${fault.toxicity < 1 ? `, toxicity ${fault.toxicity}` : ''})`,
  target: (fault) => formatLink(fault),
  detail: (fault) => {
    const attributes = Object.entries(fault.attributes)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    const toxicity = fault.toxicity < 1 ? ` toxicity=${fault.toxicity}` : '';
    return `${fault.toxic} ${formatLink(fault)} (proxy ${proxyName(fault)}, ${fault.stream}${toxicity}${attributes ? `, ${attributes}` : ''})`;
  },
  async apply(fault, ctx) {
    await ctx.proxies.addToxic(proxyName(fault), {
      name: toxicName(fault, ctx),
      type: fault.toxic,
      stream: fault.stream,
      toxicity: fault.toxicity,
      attributes: { ...fault.attributes },
    });
  },
  async remove(fault, ctx) {
    const proxy = proxyName(fault);
    const name = toxicName(fault, ctx);
    // Read before removal: the counter goes with the toxic.
    const connectionsAffected = await ctx.proxies.appliedConnections(proxy, name);
    // Already gone (a failed apply, removed by hand) is fine: removeToxic tolerates not-found.
    await ctx.proxies.removeToxic(proxy, name);
    return connectionsAffected === undefined ? {} : { connectionsAffected };
  },
};
