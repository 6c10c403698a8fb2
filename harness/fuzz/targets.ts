import fc from 'fast-check';
import { checkDocument, documentInput, documentWorkspace } from './documents.ts';
import { PER_INPUT_LIMIT_MS, Stats } from './outcome.ts';
import { checkSloExpression, sloInput } from './slo.ts';
import { apiSequence, checkApiSequence, startFuzzServer } from './toxiproxy-api.ts';

/**
 * The fuzz targets, by name: each sets up what its property needs (a folder, a server), hands
 * fast-check an async property that records per-input time, and tears down. Shared by
 * `npm run fuzz` (harness/fuzz/run.ts) and the fixed-seed slice in `npm test`
 * (harness/test/fuzz/fuzz.test.ts).
 */
export interface PreparedTarget {
  property: fc.IAsyncPropertyWithHooks<[unknown]>;
  stats: Stats;
  dispose(): Promise<void>;
}

export interface FuzzTarget {
  name: string;
  /** What it feeds and where. */
  summary: string;
  prepare(): Promise<PreparedTarget>;
}

function prepared<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (input: T) => Promise<{ kind: 'result' | 'input-error'; ms: number }>,
  dispose: () => Promise<void>,
): PreparedTarget {
  const stats = new Stats();
  const property = fc.asyncProperty(arbitrary as fc.Arbitrary<unknown>, async (input) => {
    stats.add(await check(input as T));
  });
  return { property, stats, dispose };
}

export const fuzzTargets: readonly FuzzTarget[] = [
  {
    name: 'documents',
    summary: 'scenario and topology files (mutated catalog documents, raw YAML edge cases, bad bytes) through validate and plan',
    async prepare() {
      const workspace = documentWorkspace();
      return prepared(
        documentInput,
        (input) => checkDocument(workspace.dir, input),
        async () => workspace.dispose(),
      );
    },
  },
  {
    name: 'toxiproxy-api',
    summary: 'request sequences (methods, paths, headers, bodies) against the embedded Toxiproxy server',
    async prepare() {
      const server = await startFuzzServer();
      return prepared(
        apiSequence,
        (requests) => checkApiSequence(server.url, requests),
        () => server.close(),
      );
    },
  },
  {
    name: 'slo',
    summary: 'SLO expressions (grammar tokens, near misses, random text) through the SLO grammar',
    async prepare() {
      return prepared(sloInput, checkSloExpression, async () => undefined);
    },
  },
];

export interface FuzzReport {
  target: string;
  runs: number;
  seed: number;
  maxMsPerInput: number;
  kinds: Record<'result' | 'input-error', number>;
  /** Heap used after the runs minus before, MB (after a GC when node runs with --expose-gc). */
  heapGrowthMb: number;
  elapsedMs: number;
  failure?: { message: string; path: string; counterexample: string };
}

const heapMb = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** Runs one target: `runs` inputs from `seed` (replaying `path` when given, as fast-check prints it). */
export async function runTarget(target: FuzzTarget, options: { runs: number; seed: number; path?: string }): Promise<FuzzReport> {
  const start = performance.now();
  const { property, stats, dispose } = await target.prepare();
  const heapBefore = heapMb();
  let details: fc.RunDetails<[unknown]>;
  try {
    details = await fc.check(property, {
      numRuns: options.runs,
      seed: options.seed,
      ...(options.path ? { path: options.path, endOnFailure: true } : {}),
      // A hang fails the input instead of the whole run (our own bound is checked per input).
      timeout: PER_INPUT_LIMIT_MS * 5,
    });
  } finally {
    await dispose();
  }
  const report: FuzzReport = {
    target: target.name,
    runs: details.numRuns,
    seed: options.seed,
    maxMsPerInput: Math.round(stats.maxMs),
    kinds: { ...stats.kinds },
    heapGrowthMb: Math.round((heapMb() - heapBefore) * 10) / 10,
    elapsedMs: Math.round(performance.now() - start),
  };
  if (details.failed) {
    report.failure = {
      message: `${fc.defaultReportMessage(details) ?? 'failed'}\nerror: ${details.errorInstance instanceof Error ? (details.errorInstance.stack ?? details.errorInstance.message) : String(details.errorInstance)}`,
      path: details.counterexamplePath ?? '',
      counterexample: details.counterexample ? fc.stringify(details.counterexample[0]) : '(none)',
    };
  }
  return report;
}
