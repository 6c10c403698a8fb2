import type { RunResult, SloVerdict } from '../model/result.ts';
import { palette, type Palette } from './ansi.ts';
import type { ResultFiles } from '../model/events.ts';
import { displayUnit, formatMargin, formatThreshold, formatValue } from './format.ts';
import { faultEvidence, faultLabel, interruptionLine, sloCountsPhrase, sloState, verdictWord } from './labels.ts';
import { renderTable } from './table.ts';
import { asyncCaveats, asyncLines } from './async.ts';

export interface SummaryOptions {
  /** ANSI colours. Default: false. */
  color?: boolean;
  /** Files written for this result; the folder (and files) are listed at the end. Default: none. */
  files?: ResultFiles;
}

/**
 * The verdict block printed at the end of a run: what ran, the verdict in capitals with its
 * reasons, one line per SLO, the fault evidence and where the files are.
 */
export function renderSummary(result: RunResult, opts: SummaryOptions = {}): string {
  const c = palette(opts.color ?? false);
  const lines: string[] = [
    `${c.bold(result.scenario.name)} ${c.dim('profile')} ${result.profile} ${c.dim('seed')} ${result.seed} ${c.dim('time scale')} ${result.timeScale} ${c.dim('run')} ${result.runId}`,
    `${verdictBadge(result.verdict, c)}  ${verdictLine(result)}`,
    ...result.reasons.map((reason) => `  ${c.yellow('!')} ${reason}`),
  ];
  if (result.slos.length > 0) lines.push('', ...sloTable(result.slos, c));
  if (result.async) {
    lines.push('', `${c.bold('Asynchronous outcomes')} ${c.dim(`(completed by ${result.async.channel})`)}`);
    lines.push(...asyncLines(result.async).map((line) => `  ${line}`));
    lines.push(...asyncCaveats(result.async).map((caveat) => `  ${c.yellow('!')} ${caveat}`));
  }
  if (result.faults.length > 0) {
    lines.push('', c.bold('Faults'));
    for (const fault of result.faults) {
      const mark = fault.error ? c.red('✗') : c.dim('·');
      lines.push(`${mark} ${faultLabel(fault)}: ${faultEvidence(fault)}`);
    }
  }
  if (opts.files) lines.push('', ...fileLines(opts.files, c));
  return lines.join('\n') + '\n';
}

function verdictBadge(verdict: RunResult['verdict'], c: Palette): string {
  const word = verdictWord(verdict);
  if (verdict === 'pass') return c.bold(c.green(word));
  if (verdict === 'fail') return c.bold(c.red(word));
  return c.bold(c.yellow(word));
}

function verdictLine(result: RunResult): string {
  const slos = sloCountsPhrase(result.slos);
  const stop = interruptionLine(result);
  if (stop) return `${slos}; ${stop}`;
  return result.status === 'completed' ? slos : `${slos} (run ${result.status})`;
}

/**
 * One row per SLO. Only an SLO whose window completed gets ✓ or ✗; a partial window shows what
 * was measured marked `(partial)`, a window never reached shows `not reached`. The last column
 * says why a value is n/a (or why the SLO was not judged), so the console needs no other file.
 */
function sloTable(slos: readonly SloVerdict[], c: Palette): string[] {
  const header = ['', ...['SLO', 'window', 'measured', 'threshold', 'margin', 'note'].map((h) => c.dim(h))];
  const rows = slos.map((s) => {
    const state = sloState(s);
    const value = formatValue(s.measured, displayUnit(s));
    const measured = state === 'met' ? value : state === 'missed' ? c.red(value) : state === 'partial' ? c.yellow(`${value} (partial)`) : c.dim('not reached');
    return [mark(state, c), s.name, s.window, measured, formatThreshold(s.op, s.threshold, displayUnit(s)), formatMargin(s.margin, displayUnit(s)), note(s, c)];
  });
  return renderTable([header, ...rows], ['left', 'left', 'left', 'right', 'right', 'right', 'left']);
}

function mark(state: ReturnType<typeof sloState>, c: Palette): string {
  if (state === 'met') return c.green('✓');
  if (state === 'missed') return c.red('✗');
  return c.yellow(state === 'partial' ? '~' : '-');
}

/** The row's short reason: why measured is n/a, or why the SLO was not judged. */
function note(s: SloVerdict, c: Palette): string {
  if (s.coverage || s.measured === null) return c.dim(s.reason ?? reasonFromDetail(s.detail));
  return '';
}

/** Results written before SloVerdict had `reason` keep it in their sentence:
 * `… could not be measured (<reason>), threshold …`. */
function reasonFromDetail(detail: string): string {
  return /could not be measured \((.*)\), threshold/.exec(detail)?.[1] ?? 'could not be measured';
}

function fileLines(files: ResultFiles, c: Palette): string[] {
  const lines = [`${c.bold('Results')} ${files.dir}`];
  if (files.json) lines.push(`  result.json  ${files.json}`);
  if (files.junit) lines.push(`  JUnit        ${files.junit}`);
  if (files.html) lines.push(`  report       ${files.html}`);
  if (files.recording) lines.push(`  recording    ${files.recording}`);
  return lines;
}
