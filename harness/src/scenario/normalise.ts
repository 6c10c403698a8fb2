import { isScalar } from 'yaml';
import { parseSloExpression } from './slo-grammar.ts';
import type { IssueList } from '../document/check.ts';
import type { AsyncSpec, LoadSpec, LoadStage, SloSpec, WindowSpec } from './model.ts';
import type { AsyncDocument, LoadDocument, SloDocument, WindowDocument } from './schema.ts';
import type { FieldPath } from '../document/source.ts';
import { parseDuration, parseRate } from '../document/units.ts';

/**
 * Stage 2: units to base units (ms, requests/s, 0..1) and defaults filled in (faults: see
 * faults.ts and each kind in harness/src/faults/kinds/). Input parts
 * already passed the schema, so the unit texts match their patterns; what is left to report
 * here is what a pattern cannot say (a zero duration, rate and stages both given).
 */

const ms = (text: string): number => parseDuration(text)!;
const perSecond = (text: string): number => parseRate(text)!;

/** Default of LoadSpec.maxInFlight. */
export const DEFAULT_MAX_IN_FLIGHT = 100;
/** Default of LoadSpec.timeoutMs. */
export const DEFAULT_TIMEOUT_MS = 10_000;

function positive(path: FieldPath, valueMs: number, issues: IssueList): void {
  if (valueMs <= 0) issues.add(path, 'must be longer than 0');
}

function loadStages(doc: LoadDocument, issues: IssueList): LoadStage[] {
  if (doc.stages) {
    if (doc.rate !== undefined || doc.duration !== undefined) {
      issues.add(['load', doc.rate !== undefined ? 'rate' : 'duration'], "give either 'rate' + 'duration' (constant) or 'stages' (ramps), not both", 'key');
    }
    let fromRate = doc.startRate === undefined ? 0 : perSecond(doc.startRate);
    return doc.stages.map((stage, index) => {
      const durationMs = ms(stage.duration);
      positive(['load', 'stages', index, 'duration'], durationMs, issues);
      const toRate = perSecond(stage.target);
      const planned = { durationMs, fromRate, toRate };
      fromRate = toRate;
      return planned;
    });
  }
  if (doc.startRate !== undefined) issues.add(['load', 'startRate'], "'startRate' applies only to 'stages'", 'key');
  if (doc.rate === undefined || doc.duration === undefined) {
    issues.add(['load', doc.rate === undefined ? 'rate' : 'duration'], "required: either 'rate' + 'duration' (constant) or 'stages' (ramps)");
    return [];
  }
  const durationMs = ms(doc.duration);
  positive(['load', 'duration'], durationMs, issues);
  const rate = perSecond(doc.rate);
  if (rate <= 0) issues.add(['load', 'rate'], 'must be more than 0/s');
  return [{ durationMs, fromRate: rate, toRate: rate }];
}

export function normaliseLoad(doc: LoadDocument, issues: IssueList): LoadSpec {
  const timeoutMs = doc.timeout === undefined ? DEFAULT_TIMEOUT_MS : ms(doc.timeout);
  positive(['load', 'timeout'], timeoutMs, issues);
  return {
    target: doc.target,
    method: doc.method ?? 'GET',
    path: doc.path,
    headers: doc.headers ?? {},
    ...(doc.body === undefined ? {} : { body: doc.body }),
    stages: loadStages(doc, issues),
    maxInFlight: doc.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    timeoutMs,
    ...(doc.successStatuses ? { successStatuses: doc.successStatuses } : {}),
  };
}

/** Default of AsyncSpec.drainMs: long enough for an outbox's retries after a fault. */
export const DEFAULT_DRAIN_MS = 30_000;
/** Default of AsyncSpec.messageId: the envelope id of the sample services' messages. */
export const DEFAULT_MESSAGE_ID = '/id';

export function normaliseAsync(doc: AsyncDocument): AsyncSpec {
  return {
    channel: doc.channel,
    requestId: doc.requestId,
    completionId: doc.completionId,
    messageId: doc.messageId ?? DEFAULT_MESSAGE_ID,
    drainMs: doc.drain === undefined ? DEFAULT_DRAIN_MS : ms(doc.drain),
  };
}

export function normaliseWindow(doc: WindowDocument): WindowSpec {
  return { name: doc.name, startMs: ms(doc.from), endMs: ms(doc.to) };
}

/** Where inside the YAML line the expression text starts (1 for a quoted scalar's quote). */
function expressionColumnShift(node: unknown): number | undefined {
  if (!isScalar(node)) return undefined;
  if (node.type === 'PLAIN') return 0;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return 1;
  return undefined; // block scalars: point at the start of the value
}

export function normaliseSlo(doc: SloDocument, path: FieldPath, issues: IssueList): SloSpec | undefined {
  const expressionPath = typeof doc === 'string' ? path : [...path, 'expect'];
  const written = typeof doc === 'string' ? doc : doc.expect;
  const expression = written.trim();
  const parsed = parseSloExpression(expression);
  if (!parsed.ok) {
    const shift = expressionColumnShift(issues.source.node(expressionPath));
    const leadingSpaces = written.length - written.trimStart().length;
    const columnOffset = shift === undefined ? 0 : shift + leadingSpaces + parsed.column - 1;
    issues.add(expressionPath, `SLO ${parsed.message}`, 'value', columnOffset);
    return undefined;
  }
  return {
    name: typeof doc === 'string' ? expression : (doc.name ?? expression),
    expression,
    window: typeof doc === 'string' ? 'whole' : (doc.window ?? 'whole'),
    ...parsed.slo,
  };
}
