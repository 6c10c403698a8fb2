import type { AsyncWindowStats, RunResult, WindowStats } from '../model/result.ts';
import { palette } from './ansi.ts';
import { displayUnit, formatMs, formatValue, trim } from './format.ts';
import { sloState, verdictWord } from './labels.ts';
import { renderTable } from './table.ts';

export interface ComparisonOptions {
  /** ANSI colours. Default: false. */
  color?: boolean;
  /** The verdict expected of each profile (`compare --expect`): each verdict is then marked
   * `(expected)` or `(expected <verdict>)`. Default: no marks. */
  expectations?: ReadonlyMap<string, RunResult['verdict']> | undefined;
}

/**
 * The text table of `faultline compare`: one column per result (profile), one row per
 * verdict, SLO (✓/✗ and measured value) and key client numbers of the `whole` window.
 */
export function renderComparison(results: readonly RunResult[], opts: ComparisonOptions = {}): string {
  const c = palette(opts.color ?? false);
  if (results.length === 0) return 'no results to compare\n';
  const header = ['', ...results.map((r) => c.bold(r.profile))];
  const expected = (r: RunResult) => {
    const want = opts.expectations?.get(r.profile);
    if (want === undefined) return '';
    return want === r.verdict ? ` ${c.green('✓')} ${c.dim('expected')}` : ` ${c.red('✗')} expected ${want}`;
  };
  const verdicts = ['verdict', ...results.map((r) => colourVerdict(r.verdict, c) + expected(r))];
  const rows: string[][] = [header, verdicts];

  for (const name of sloNames(results)) {
    rows.push([
      name,
      ...results.map((r) => {
        const slo = r.slos.find((s) => s.name === name);
        if (!slo) return c.dim('—');
        const state = sloState(slo);
        if (state === 'not-reached') return c.dim('not reached');
        const value = formatValue(slo.measured, displayUnit(slo));
        if (state === 'partial') return c.yellow(`~ ${value} (partial)`);
        return `${state === 'met' ? c.green('✓') : c.red('✗')} ${value}`;
      }),
    ]);
  }

  const whole = results.map((r) => r.windows.find((w) => w.name === 'whole'));
  const windowRow = (label: string, value: (w: WindowStats) => string) => [label, ...whole.map((w) => (w ? value(w) : c.dim('—')))];
  rows.push(
    windowRow('requests', (w) => String(w.requests)),
    windowRow('errors', (w) => String(w.errors)),
    windowRow('dropped', (w) => String(w.dropped)),
    windowRow('throughput', (w) => `${trim(w.throughput, 1)} req/s`),
    windowRow('p50', (w) => formatMs(w.latency.p50)),
    windowRow('p99', (w) => formatMs(w.latency.p99)),
    windowRow('max', (w) => formatMs(w.latency.max)),
  );
  if (results.some((r) => r.async)) {
    const asyncWhole = results.map((r) => r.async?.windows.find((w) => w.name === 'whole'));
    const asyncRow = (label: string, value: (w: AsyncWindowStats) => string) => [label, ...asyncWhole.map((w) => (w ? value(w) : c.dim('—')))];
    rows.push(
      asyncRow('async accepted', (w) => String(w.accepted)),
      asyncRow('async completed', (w) => String(w.completed)),
      asyncRow('async lost', (w) => (w.pending > 0 ? `${w.lost} (+${w.pending} pending)` : String(w.lost))),
      asyncRow('async duplicates', (w) => String(w.duplicates)),
      asyncRow('async p99', (w) => (w.completed > 0 ? formatMs(w.latency.p99) : c.dim('n/a'))),
    );
  }
  const title = `${c.bold(results[0]!.scenario.name)} compared across ${results.length} profile(s)`;
  const reasons = results.flatMap((r) => r.reasons.map((reason) => `  ${c.yellow('!')} ${r.profile}: ${reason}`));
  return [title, '', ...renderTable(rows, ['left', ...results.map(() => 'right' as const)]), ...(reasons.length ? ['', ...reasons] : [])].join('\n') + '\n';
}

/** SLO names in first-seen order across all results (profiles normally share one scenario). */
export function sloNames(results: readonly RunResult[]): string[] {
  return [...new Set(results.flatMap((r) => r.slos.map((s) => s.name)))];
}

function colourVerdict(verdict: RunResult['verdict'], c: ReturnType<typeof palette>): string {
  const word = verdictWord(verdict);
  return verdict === 'pass' ? c.green(word) : verdict === 'fail' ? c.red(word) : c.yellow(word);
}
