import { z } from 'zod';
import { durationText, nameText, rateText } from '../document/fields.ts';
import { JSON_POINTER_PATTERN } from '../util/json-pointer.ts';
import { faultDocument } from './faults.ts';

/**
 * The scenario file as written (YAML, units as text): the single source of truth. Types are
 * inferred from it and scenarios/scenario.schema.json is generated from it (`npm run schema`).
 * Only shape lives here (fault kinds in faults/, one per file); units, defaults and
 * cross-field rules are the later stages (normalise.ts, rules.ts).
 */

const httpStatus = z.int().min(100).max(599);

const stageDocument = z.strictObject({
  duration: durationText,
  target: rateText.meta({ description: 'Rate reached at the end of the stage (ramping linearly).' }),
});

export const loadDocument = z.strictObject({
  target: nameText.meta({ description: 'Service the load is sent to.' }),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']).optional().meta({ description: 'Default GET.' }),
  path: z.string().regex(/^\//, { error: (iss) => `expected a path starting with '/'; got ${JSON.stringify(iss.input)}` }),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional().meta({ description: 'JSON body; strings may use {{seq}} and {{rand}}.' }),
  rate: rateText.optional().meta({ description: 'Constant arrival rate for `duration` (or use `stages`).' }),
  duration: durationText.optional(),
  startRate: rateText.optional().meta({ description: 'Rate the first stage ramps from; default 0/s.' }),
  stages: z.array(stageDocument).min(1).optional(),
  maxInFlight: z.int().min(1).optional().meta({ description: 'Requests in flight at most; default 100.' }),
  timeout: durationText.optional().meta({ description: 'Client timeout of one request; default 10s.' }),
  successStatuses: z.array(httpStatus).min(1).optional().meta({ description: 'Default: 200-399.' }),
});

const jsonPointer = (what: string) =>
  z
    .string({
      error: (iss) => (iss.input === undefined ? 'required field is missing' : `expected a JSON pointer such as '/id'; got ${JSON.stringify(iss.input)}`),
    })
    .regex(new RegExp(JSON_POINTER_PATTERN), {
      error: (iss) => `expected a JSON pointer such as '/id' or '/payload/tripId' (starting with '/'); got ${JSON.stringify(iss.input)}`,
    })
    .meta({ description: what });

/** How the harness correlates each accepted request with its asynchronous outcome. */
export const asyncDocument = z.strictObject({
  channel: z.string().min(1).meta({ description: "Channel whose messages complete a request, e.g. 'driver.assigned'." }),
  requestId: jsonPointer("Where the id is in an accepted (success) response's JSON body, e.g. '/id'."),
  completionId: jsonPointer("Where that id is in each message on the channel, e.g. '/payload/tripId'."),
  messageId: jsonPointer("Where the message's own id is (a redelivery repeats it); default '/id'.").optional(),
  drain: durationText.optional().meta({ description: 'How long to wait after the load for outstanding completions; default 30s (time-scaled).' }),
});

export const windowDocument = z.strictObject({ name: nameText, from: durationText, to: durationText });

export const sloDocument = z.union(
  [
    z.string().meta({ description: "SLO expression checked over the whole run, e.g. 'p(99) < 800ms'." }),
    z.strictObject({
      expect: z.string().meta({ description: "SLO expression, e.g. 'error_rate < 1%'." }),
      window: nameText.optional().meta({ description: 'whole (default), baseline, fault, recovery or a declared window.' }),
      name: z.string().min(1).optional(),
    }),
  ],
  { error: (iss) => `expected an SLO expression (text) or {expect, window, name}; got ${JSON.stringify(iss.input)}` },
);

export const scenarioDocument = z
  .strictObject({
    name: nameText.optional().meta({ description: "Default: the file's basename; must match it if given." }),
    description: z.string().min(1).meta({ description: 'One line, shown by `faultline list`.' }),
    hypothesis: z.string().optional(),
    topology: z.string().min(1).optional().meta({ description: "'taxi' (default) or a topology file relative to this file." }),
    profile: nameText.optional().meta({ description: 'Policy profile of the sample services; default resilient.' }),
    seed: z.int().min(0).optional().meta({ description: 'Seed for every random decision; default 1.' }),
    load: loadDocument,
    faults: z.array(faultDocument).optional(),
    windows: z.array(windowDocument).optional(),
    slos: z.array(sloDocument).optional(),
    async: asyncDocument.optional().meta({ description: 'Correlate accepted requests with their asynchronous outcome (async_* SLOs).' }),
  })
  .meta({ title: 'faultline scenario', description: 'A named failure scenario: load, faults on a timeline, SLOs.' });

export type ScenarioDocument = z.infer<typeof scenarioDocument>;
export type LoadDocument = z.infer<typeof loadDocument>;
export type WindowDocument = z.infer<typeof windowDocument>;
export type SloDocument = z.infer<typeof sloDocument>;
export type AsyncDocument = z.infer<typeof asyncDocument>;
