import type { IssueList, Located } from '../document/check.ts';
import type { BuiltinWindow, FaultSpec, LoadSpec, SloSpec, WindowSpec } from './model.ts';
import { faultSlot } from './faults.ts';
import { formatPath } from '../document/source.ts';
import { unknownName } from '../document/suggest.ts';
import { formatDuration } from '../document/units.ts';
import { isAsyncMetric } from './slo-grammar.ts';

/**
 * Stage 3: cross-field rules, each a small named function that reports located issues.
 * They run on whatever parts survived stages 1 and 2, so one broken section does not hide
 * the problems of another.
 */

/** What the rules look at: normalised parts with the paths they came from. */
export interface ScenarioParts {
  load?: LoadSpec;
  faults: readonly Located<FaultSpec>[];
  windows: readonly Located<WindowSpec>[];
  slos: readonly Located<SloSpec>[];
}

export const builtinWindows: readonly BuiltinWindow[] = ['whole', 'baseline', 'fault', 'recovery'];

export function loadDurationMs(load: LoadSpec): number {
  return load.stages.reduce((total, stage) => total + stage.durationMs, 0);
}

/** End of a fault: `at + for`; without `for`, the end of the load (a restart is instantaneous). */
export function faultEndMs(fault: FaultSpec, durationMs: number): number {
  if (fault.kind === 'restart') return fault.atMs;
  return fault.forMs === undefined ? durationMs : fault.atMs + fault.forMs;
}

export function faultWithinLoad({ path, value: fault }: Located<FaultSpec>, durationMs: number, issues: IssueList): void {
  if (fault.atMs >= durationMs) {
    issues.add([...path, 'at'], `starts at ${formatDuration(fault.atMs)}, not before the load ends at ${formatDuration(durationMs)}`);
  } else if (fault.forMs !== undefined && fault.atMs + fault.forMs > durationMs) {
    issues.add([...path, 'for'], `ends at ${formatDuration(fault.atMs + fault.forMs)}, after the load ends at ${formatDuration(durationMs)}`);
  }
}

export function httpFaultDoesSomething({ path, value: fault }: Located<FaultSpec>, issues: IssueList): void {
  if (fault.kind === 'http' && fault.status === 0 && fault.delayMs === 0 && !fault.abort)
    issues.add(path, "an http fault needs a 'status', a 'delay' or both (or, on a link, 'abort: true')");
}

export function toxicAttributesAreUsable({ path, value: fault }: Located<FaultSpec>, issues: IssueList): void {
  if (fault.kind === 'toxic' && fault.toxic === 'slicer' && !(fault.attributes.average_size! > 0)) {
    issues.add([...path, 'attributes', 'average_size'], 'slicer average_size must be greater than 0');
  }
}

/** Overlapping faults in one slot: Toxiproxy toxic names (or the service hook) would collide. */
export function faultsDoNotCollide(faults: readonly Located<FaultSpec>[], durationMs: number | undefined, issues: IssueList): void {
  for (const [i, later] of faults.entries()) {
    for (const earlier of faults.slice(0, i)) {
      const slot = faultSlot(later.value);
      if (slot !== faultSlot(earlier.value)) continue;
      const endMs = durationMs ?? Number.POSITIVE_INFINITY;
      const overlaps = later.value.atMs < faultEndMs(earlier.value, endMs) && earlier.value.atMs < faultEndMs(later.value, endMs);
      const sameInstant = later.value.atMs === earlier.value.atMs;
      if (overlaps || sameInstant) issues.add(later.path, `overlaps ${formatPath(earlier.path)} (${earlier.value.id}): ${slot} is already active then`);
    }
  }
}

export function faultIdsUnique(faults: readonly Located<FaultSpec>[], issues: IssueList): void {
  const seen = new Map<string, Located<FaultSpec>>();
  for (const fault of faults) {
    const first = seen.get(fault.value.id);
    if (first) issues.add([...fault.path, 'id'], `duplicate fault id '${fault.value.id}' (also faults[${String(first.path[1])}])`);
    else seen.set(fault.value.id, fault);
  }
}

export function windowsAreValid(windows: readonly Located<WindowSpec>[], durationMs: number | undefined, issues: IssueList): void {
  const seen = new Set<string>();
  for (const { path, value: window } of windows) {
    if ((builtinWindows as readonly string[]).includes(window.name)) issues.add([...path, 'name'], `'${window.name}' is a built-in window; pick another name`);
    else if (seen.has(window.name)) issues.add([...path, 'name'], `duplicate window name '${window.name}'`);
    seen.add(window.name);
    if (window.endMs <= window.startMs) issues.add([...path, 'to'], `must be after 'from' (${formatDuration(window.startMs)})`);
    else if (durationMs !== undefined && window.endMs > durationMs)
      issues.add([...path, 'to'], `ends at ${formatDuration(window.endMs)}, after the load ends at ${formatDuration(durationMs)}`);
  }
}

/** What the SLO window rule knows of the file beyond the parts that normalised. */
export interface WrittenNames {
  /** Entries under `faults:`, parsed or not: a fault whose `for` is malformed is still a fault. */
  faultCount: number;
  /** `name` of every entry under `windows:` with a well-formed name, even if its range is not. */
  windowNames: readonly string[];
}

/**
 * Every SLO window exists, and the built-in ones it names are defined for these faults. A
 * fault or window that failed to parse still counts as written (its own issue says what is
 * wrong), so no follow-on issue claims it is missing; the timing checks use the faults that did
 * parse, which can only under-report (a later end or an earlier start would only confirm them).
 */
export function sloWindowsExist(
  sloWindows: readonly Located<string>[],
  parts: Omit<ScenarioParts, 'slos'>,
  written: WrittenNames,
  durationMs: number | undefined,
  issues: IssueList,
): void {
  const known = [...new Set([...builtinWindows, ...parts.windows.map((w) => w.value.name), ...written.windowNames])];
  const faults = parts.faults.map((f) => f.value);
  for (const { path, value: window } of sloWindows) {
    if (!known.includes(window)) {
      issues.add(path, unknownName('window', window, known));
      continue;
    }
    const problem = builtinWindowProblem(window, faults, Math.max(written.faultCount, faults.length), durationMs);
    if (problem) issues.add(path, problem);
  }
}

function builtinWindowProblem(window: string, faults: readonly FaultSpec[], faultCount: number, durationMs: number | undefined): string | undefined {
  if (window === 'fault' || window === 'recovery') {
    if (faultCount === 0) return `window '${window}' needs at least one fault`;
  }
  if (window === 'baseline' && faults.length > 0 && Math.min(...faults.map((f) => f.atMs)) <= 0) {
    return "window 'baseline' needs the first fault to start after 0s";
  }
  if (window === 'recovery' && durationMs !== undefined && faults.length > 0) {
    const lastEndMs = Math.max(...faults.map((f) => faultEndMs(f, durationMs)));
    if (lastEndMs >= durationMs) return `window 'recovery' needs the last fault to end before the load ends (${formatDuration(durationMs)})`;
  }
  return undefined;
}

/**
 * The async metrics are measured by matching accepted requests with messages, which only the
 * `async:` block says how to do. `asyncWritten`: the block is in the file, parsed or not (its
 * own issues say what is wrong with it).
 */
export function asyncSlosHaveTheirBlock(slos: readonly Located<SloSpec>[], asyncWritten: boolean, issues: IssueList): void {
  if (asyncWritten) return;
  for (const { path, value: slo } of slos) {
    if (isAsyncMetric(slo.metric.kind)) {
      const word = slo.expression.split(/[\s<>=!{]/)[0] ?? slo.expression;
      issues.add(
        path,
        `${word} needs the scenario's 'async:' block (the id in an accepted response, the channel whose message completes it, the id in that message)`,
      );
    }
  }
}
