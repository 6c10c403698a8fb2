import type { RunResult, SloVerdict } from '../model/result.ts';
import { palette, type Palette } from './ansi.ts';
import type { ResultFiles } from '../model/events.ts';
import { displayUnit, formatMargin, formatThreshold, formatValue } from './format.ts';
import { faultEvidence, faultLabel, verdictWord } from './labels.ts';
import { renderTable } from './table.ts';

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
  const missed = result.slos.filter((s) => !s.passed).length;
  const lines: string[] = [
    `${c.bold(result.scenario.name)} ${c.dim('profile')} ${result.profile} ${c.dim('seed')} ${result.seed} ${c.dim('time scale')} ${result.timeScale} ${c.dim('run')} ${result.runId}`,
    `${verdictBadge(result.verdict, c)}  ${verdictLine(result, missed)}`,
    ...result.reasons.map((reason) => `  ${c.yellow('!')} ${reason}`),
  ];
  if (result.slos.length > 0) lines.push('', ...sloTable(result.slos, c));
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

function verdictLine(result: RunResult, missed: number): string {
  const total = result.slos.length;
  const slos = missed === 0 ? `all ${total} SLOs met` : `${missed} of ${total} SLOs missed`;
  return result.status === 'completed' ? slos : `${slos} (run ${result.status})`;
}

function sloTable(slos: readonly SloVerdict[], c: Palette): string[] {
  const header = ['', ...['SLO', 'window', 'measured', 'threshold', 'margin'].map((h) => c.dim(h))];
  const rows = slos.map((s) => [
    s.passed ? c.green('✓') : c.red('✗'),
    s.name,
    s.window,
    s.passed ? formatValue(s.measured, displayUnit(s)) : c.red(formatValue(s.measured, displayUnit(s))),
    formatThreshold(s.op, s.threshold, displayUnit(s)),
    formatMargin(s.margin, displayUnit(s)),
  ]);
  return renderTable([header, ...rows], ['left', 'left', 'left', 'right', 'right', 'right']);
}

function fileLines(files: ResultFiles, c: Palette): string[] {
  const lines = [`${c.bold('Results')} ${files.dir}`];
  if (files.json) lines.push(`  result.json  ${files.json}`);
  if (files.junit) lines.push(`  JUnit        ${files.junit}`);
  if (files.html) lines.push(`  report       ${files.html}`);
  if (files.recording) lines.push(`  recording    ${files.recording}`);
  return lines;
}
