// The result table of the signal trials: one row per phase × signal. Pure.
import type { TrialPhase } from './signal-plan.ts';
import type { TrialOutcome } from './signal-trial.ts';

export function signalTable(outcomes: readonly TrialOutcome[], phases: readonly TrialPhase[]): string[] {
  const lines = ['| phase | signal | trials | passed | missed aim | max time to exit | embedded / external |', '|---|---|---|---|---|---|---|'];
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    for (const phase of phases) {
      const cell = outcomes.filter((o) => o.trial.signal === signal && o.trial.phase === phase);
      if (cell.length === 0) continue;
      const delivered = cell.filter((o) => o.delivered);
      const passed = delivered.filter((o) => o.problems.length === 0).length;
      const missed = cell.filter((o) => !o.delivered && o.problems.length === 0).length;
      const maxExitMs = Math.max(...delivered.map((o) => o.exitMs ?? 0));
      const where = (w: string) => cell.filter((o) => o.trial.toxiproxy === w).length;
      const exitText = delivered.length === 0 ? '–' : `${(maxExitMs / 1000).toFixed(2)} s`;
      lines.push(
        `| ${phase} | ${signal}${signal === 'SIGKILL' ? ' + cleanup' : ''} | ${cell.length} | ${passed}/${cell.length - missed} | ${missed} | ${exitText} | ${where('embedded')} / ${where('external')} |`,
      );
    }
  }
  const delivered = outcomes.filter((o) => o.delivered || o.problems.length > 0);
  const passed = delivered.filter((o) => o.problems.length === 0).length;
  lines.push(
    '',
    `Passed ${passed}/${delivered.length} trials that were signalled${outcomes.length > delivered.length ? ` (${outcomes.length - delivered.length} ended before their signal)` : ''}.`,
  );
  return lines;
}
