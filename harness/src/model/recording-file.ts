import { z } from 'zod';
import { FaultlineError } from '../errors.ts';
import type { Recording } from './recording.ts';

/**
 * recording.json: a Recording saved beside result.json, so a run can be judged again
 * (`faultline analyse`) without running anything. A documented, versioned format
 * (docs/recording-json.md): `{ format, version, recording }`. JSON has no NaN or infinities,
 * and Prometheus samples can hold them, so a metric value that is not finite is written as the
 * string `NaN`, `+Inf` or `-Inf` — the exposition format's own spelling.
 */
export const RECORDING_FORMAT = 'faultline-recording';
export const RECORDING_VERSION = 4;
/** Older versions this faultline still reads, and how: version 1 had no policy events (a run
 * saved by it is judged from its scrapes, as it was then); version 2 had no `async` (its runs
 * measured no asynchronous outcome: it reads as a later recording without one); version 3 had no
 * `environment.broker` (it reads as a recording whose broker, if any, is not named). */
const READABLE_VERSIONS: readonly number[] = [1, 2, 3, RECORDING_VERSION];

const finite = z.number();
const metricValue = z.union([
  z.number(),
  z.enum(['NaN', '+Inf', '-Inf']).transform((text) => (text === 'NaN' ? Number.NaN : text === '+Inf' ? Infinity : -Infinity)),
]);
const status = z.enum(['completed', 'failed', 'aborted', 'interrupted']);
const environmentSchema = z.strictObject({
  faultlineVersion: z.string(),
  node: z.string(),
  toxiproxy: z.string(),
  toxiproxyVersion: z.string().exactOptional(),
  broker: z
    .strictObject({
      service: z.string(),
      protocol: z.string(),
      source: z.enum(['embedded', 'command', 'external']),
      url: z.string().exactOptional(),
      command: z.array(z.string()).exactOptional(),
      software: z.string().exactOptional(),
    })
    .exactOptional(),
  platform: z.string(),
  cpus: finite,
});

const recordingSchema = z.strictObject({
  runId: z.string(),
  scenario: z.string(),
  scenarioFile: z.string(),
  profile: z.string(),
  seed: finite,
  timeScale: finite,
  status,
  problems: z.array(z.string()),
  startedAt: z.string(),
  durationMs: finite,
  samples: z.array(
    z.strictObject({
      scheduledMs: finite,
      sentMs: finite,
      endMs: finite,
      status: finite,
      ok: z.boolean(),
      error: z.enum(['status', 'timeout', 'connect', 'reset', 'other']).exactOptional(),
    }),
  ),
  dropped: z.array(finite),
  scrapes: z.array(
    z.strictObject({
      atMs: finite,
      service: z.string(),
      up: z.boolean(),
      series: z.array(z.strictObject({ name: z.string(), labels: z.record(z.string(), z.string()), value: metricValue })),
    }),
  ),
  policyEvents: z.array(z.strictObject({ atMs: finite, service: z.string(), dependency: z.string(), from: z.string(), to: z.string() })),
  policyEventSources: z.array(z.strictObject({ service: z.string(), missed: finite })),
  faults: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.string(),
      target: z.string(),
      appliedAtMs: finite.exactOptional(),
      removedAtMs: finite.exactOptional(),
      connectionsAffected: finite.exactOptional(),
      requestsAffected: finite.exactOptional(),
      error: z.string().exactOptional(),
    }),
  ),
  windows: z.array(z.strictObject({ name: z.string(), startMs: finite, endMs: finite })),
  environment: environmentSchema,
  // Optional (absent = not interrupted), so version-1 files without it still read.
  interruption: z.strictObject({ phase: z.enum(['start-up', 'warm-up', 'load', 'teardown']), atMs: finite.exactOptional() }).exactOptional(),
  // Optional (absent = the built-in generator sent the load), so older files still read.
  k6: z
    .strictObject({
      version: z.string().exactOptional(),
      exitCode: finite.exactOptional(),
      thresholds: z.array(z.strictObject({ threshold: z.string(), ok: z.boolean() })),
      script: z.string(),
      startEpochMs: finite.exactOptional(),
    })
    .exactOptional(),
  async: z
    .strictObject({
      channel: z.string(),
      requestId: z.string(),
      completionId: z.string(),
      messageId: z.string(),
      drainMs: finite,
      unavailable: z.string().exactOptional(),
      accepted: z.array(z.strictObject({ id: z.string(), scheduledMs: finite, acceptedMs: finite })),
      acceptedWithoutId: finite,
      completions: z.array(z.strictObject({ id: z.string(), messageId: z.string(), atMs: finite })),
      unreadable: finite,
      observedUntilMs: finite,
      stopped: z.enum(['all-completed', 'drain-elapsed', 'interrupted']),
      disconnections: z.array(z.strictObject({ fromMs: finite, toMs: finite })),
    })
    .exactOptional(),
});

const fileSchema = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  recording: recordingSchema,
});

/** Version 3: the same without `environment.broker` (strict schemas, here and below, so an older
 * version's file that somehow holds a later field is refused rather than half-read). */
const recordingSchemaV3 = recordingSchema.extend({ environment: environmentSchema.omit({ broker: true }) });
const fileSchemaV3 = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(3),
  recording: recordingSchemaV3,
});

/** Version 2: version 3 without `async`. */
const fileSchemaV2 = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(2),
  recording: recordingSchemaV3.omit({ async: true }),
});

/** Version 1: version 2 without the policy events; read as a recording without any. */
const fileSchemaV1 = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(1),
  recording: recordingSchemaV3
    .omit({ policyEvents: true, policyEventSources: true, async: true })
    .transform((recording) => ({ ...recording, policyEvents: [], policyEventSources: [] })),
});

const schemaOfVersion = new Map<unknown, typeof fileSchema | typeof fileSchemaV3 | typeof fileSchemaV2 | typeof fileSchemaV1>([
  [1, fileSchemaV1],
  [2, fileSchemaV2],
  [3, fileSchemaV3],
]);

// The schema must describe the Recording type exactly: a change to one without the other fails
// the typecheck here.
type Parsed = z.infer<typeof recordingSchema>;
type MissingKeys = Exclude<keyof Recording, keyof Parsed> | Exclude<keyof Parsed, keyof Recording>;
const sameShape: [Parsed extends Recording ? true : false, [MissingKeys] extends [never] ? true : false] = [true, true];
void sameShape;

/** The text of recording.json. Compact: a long run holds many samples and scrapes. */
export function encodeRecording(recording: Recording): string {
  const body = { format: RECORDING_FORMAT, version: RECORDING_VERSION, recording };
  return `${JSON.stringify(body, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf') : value))}\n`;
}

/** A Recording read back from the text of recording.json; FL_INVALID_INPUT naming the file and
 * every field that is wrong. */
export function decodeRecording(text: string, file: string): Recording {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FaultlineError(
      'FL_INVALID_INPUT',
      `${file}: not JSON (${error instanceof Error ? error.message : String(error)}); expected a recording.json written by faultline`,
    );
  }
  const format = (data as { format?: unknown; version?: unknown } | null)?.format;
  const version = (data as { version?: unknown } | null)?.version;
  if (format === RECORDING_FORMAT && !READABLE_VERSIONS.includes(version as number)) {
    throw new FaultlineError(
      'FL_INVALID_INPUT',
      `${file}: recording format version ${String(version)}; this faultline reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${String(READABLE_VERSIONS.at(-1))}`,
    );
  }
  const schema = (format === RECORDING_FORMAT ? schemaOfVersion.get(version) : undefined) ?? fileSchema;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map(
      (issue) =>
        `  ${
          issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .replace(/^\./, '') || '(top level)'
        }: ${issue.message}`,
    );
    const more = parsed.error.issues.length > 10 ? `\n  … and ${parsed.error.issues.length - 10} more` : '';
    throw new FaultlineError(
      'FL_INVALID_INPUT',
      `${file}: not a faultline recording (format '${RECORDING_FORMAT}' version ${RECORDING_VERSION}):\n${lines.join('\n')}${more}`,
    );
  }
  return parsed.data.recording as Recording;
}
