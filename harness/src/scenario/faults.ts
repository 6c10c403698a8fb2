import { z } from 'zod';
import { parseLink, proxyName } from '../document/link.ts';
import type { IssueList } from '../document/check.ts';
import { parseDuration } from '../document/units.ts';
import { faultKindOf, faultKinds, type FaultKind, type FaultSpec, type FaultTiming } from '../faults/index.ts';

/** The fault kinds of scenario files come from the registry (harness/src/faults/registry.ts). */
const kindByType = new Map(
  faultKinds.flatMap((kind) => kind.documents.map((doc) => [(doc.shape.type as z.ZodLiteral<string>).value, kind as unknown as FaultKind] as const)),
);

/** A fault as written: one of every kind's documents, told apart by `type`. */
export const faultDocument = z.discriminatedUnion('type', faultKinds.flatMap((kind) => kind.documents) as unknown as [z.ZodObject, ...z.ZodObject[]]);

/** Shape every fault document shares, for the generic steps below. */
type FaultDocument = { type: string; id?: string; at: string; for?: string; link?: string; service?: string };

/** The model form of a fault that passed `faultDocument`; ids default to `<type>-<target>-<n>`. */
export function normaliseFault(value: unknown, index: number, issues: IssueList): FaultSpec {
  const doc = value as FaultDocument;
  const forMs = doc.for === undefined ? undefined : parseDuration(doc.for)!;
  if (forMs !== undefined && forMs <= 0) issues.add(['faults', index, 'for'], 'must be longer than 0');
  // A fault with neither (a broker crash: the topology has one broker) is `<type>-<n>`.
  const target = doc.link === undefined ? doc.service : proxyName(parseLink(doc.link)!);
  const id = doc.id ?? (target === undefined ? `${doc.type}-${index + 1}` : `${doc.type}-${target}-${index + 1}`);
  const timing: FaultTiming = { id, atMs: parseDuration(doc.at)!, ...(forMs === undefined ? {} : { forMs }) };
  return kindByType.get(doc.type)!.normalise(doc as never, timing) as FaultSpec;
}

/** What a fault occupies while active (see FaultKind.slot). */
export function faultSlot(fault: FaultSpec): string {
  return faultKindOf(fault).slot(fault);
}
