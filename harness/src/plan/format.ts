import { faultKindOf } from '../faults/registry.ts';
import type { FaultSpec } from '../scenario/model.ts';
import { formatDuration } from '../document/units.ts';
import type { Plan } from './model.ts';

/** `t=10.0s`, `t=6.25s`: one decimal, more only when the time needs it. */
function seconds(ms: number): string {
  const s = ms / 1000;
  return `t=${Number.isInteger(s * 10) ? s.toFixed(1) : String(Number(s.toFixed(3)))}s`;
}

/** `down trip -> dispatch (proxy trip_to_dispatch)`, `crash passenger`, … (its kind says how). */
export function describePlannedFault(fault: FaultSpec): string {
  return faultKindOf(fault).detail(fault);
}

function loadLines(plan: Plan): string[] {
  const { load } = plan;
  const lines = [`load     ${load.method} ${load.target} ${load.path}, max ${load.maxInFlight} in flight, timeout ${formatDuration(load.timeoutMs)}`];
  let startMs = 0;
  for (const stage of load.stages) {
    const rate = stage.fromRate === stage.toRate ? `${stage.toRate}/s` : `${stage.fromRate}/s -> ${stage.toRate}/s`;
    lines.push(`  ${seconds(startMs).padEnd(9)} ${rate} for ${formatDuration(stage.durationMs)}`);
    startMs += stage.durationMs;
  }
  return lines;
}

/** The plan as `faultline plan` prints it: header, proxies, load, fault timeline, windows, SLOs. */
export function formatPlan(plan: Plan): string {
  const { scenario } = plan;
  const faults = new Map(plan.faults.map((f) => [f.id, f]));
  const scale = plan.timeScale === 1 ? '' : `, time scale ${plan.timeScale}`;
  const lines = [
    `scenario ${scenario.name} — ${scenario.description}`,
    `topology ${plan.topology.name}, profile ${plan.profile}, seed ${plan.seed}${scale}, duration ${formatDuration(plan.durationMs)}, warm-up ${formatDuration(plan.warmupMs)}, scrape every ${plan.scrapeIntervalMs}ms`,
    `proxies  ${plan.proxies.map((p) => `${p.name} (${p.caller} -> ${p.callee})`).join(', ') || 'none'}`,
    ...loadLines(plan),
    'timeline',
    ...(plan.events.length === 0 ? ['  (no faults)'] : []),
    ...plan.events.map(
      (event) => `  ${seconds(event.atMs).padEnd(9)} ${event.action.padEnd(6)} ${describePlannedFault(faults.get(event.faultId)!)}  [${event.faultId}]`,
    ),
    `  ${seconds(plan.durationMs).padEnd(9)} end of load`,
    ...(plan.async
      ? [
          `async    ${plan.async.requestId} of each accepted response, completed by ${plan.async.channel} (${plan.async.completionId}, message id ${plan.async.messageId}); drain up to ${formatDuration(plan.async.drainMs)} after the load`,
        ]
      : []),
    'windows',
    ...plan.windows.map((w) => `  ${w.name.padEnd(12)} ${seconds(w.startMs)} .. ${seconds(w.endMs)}`),
    'slos',
    ...(scenario.slos.length === 0 ? ['  (none)'] : []),
    ...scenario.slos.map((slo) => `  [${slo.window}] ${slo.expression}${slo.name === slo.expression ? '' : `  — ${slo.name}`}`),
  ];
  return `${lines.join('\n')}\n`;
}
