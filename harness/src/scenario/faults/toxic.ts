import { z } from 'zod';
import { formatLink, parseLink } from '../../document/link.ts';
import { durationText, linkText, ratioValue } from '../../document/fields.ts';
import type { ToxicFault, ToxicType } from '../model.ts';
import { isTimeAttribute, toxicAttributes, toxicTypes } from '../toxics.ts';
import { parseDuration, parseRatio } from '../../document/units.ts';
import { faultObject } from './kind.ts';
import type { FaultKind } from './kind.ts';

function attributesDocument(type: ToxicType) {
  const shape = Object.fromEntries(
    Object.entries(toxicAttributes[type]).map(([name, attribute]) => {
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
    Object.entries(toxicAttributes[type]).map(([name, attribute]) => {
      const value = given[name] ?? 0;
      if (typeof value === 'number') return [name, value];
      const ms = parseDuration(value)!;
      // Toxiproxy takes whole ms (µs for the slicer delay).
      return [name, Math.round(attribute.unit === 'us' ? ms * 1000 : ms)];
    }),
  );
}

/** A Toxiproxy toxic on a link; one YAML `type` per toxic. */
export const toxicFaultKind: FaultKind<ToxicDocument, ToxicFault> = {
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
};
