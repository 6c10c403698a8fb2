import type { Writable } from 'node:stream';
import { CLEAR_LINE, palette, stripAnsi } from './ansi.ts';
import type { FaultEvent, PlanInfo, RunPhase, SecondProgress } from '../model/events.ts';
import type { Reporter } from './reporter.ts';
import { formatAt, formatMs, trim } from './format.ts';
import { renderSummary } from './summary.ts';

export interface ConsoleReporterOptions {
  /** Where to write (usually process.stdout). */
  stream: NodeJS.WriteStream | Writable;
  /** A live status line redrawn in place (a TTY outside CI); otherwise plain lines. See
   * `consoleMode`. */
  interactive: boolean;
  /** ANSI colours. Default: same as `interactive`. */
  color?: boolean;
  /** Non-interactive: time between progress lines. Default: 5000 ms. */
  progressEveryMs?: number;
  /** Print the verdict block (`renderSummary`) on each result. Turn off when the caller prints
   * it itself. Default: true. */
  summary?: boolean;
}

/**
 * How the console should behave for a stream and environment: interactive on a TTY unless
 * `CI` is set; colour when interactive, forced on by FORCE_COLOR, off by NO_COLOR.
 */
export function consoleMode(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): { interactive: boolean; color: boolean } {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  const interactive = stream.isTTY === true && !ci;
  let color = interactive;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') color = false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') color = true;
  return { interactive, color };
}

/**
 * The console reporter. Interactive: event lines (plan, faults, phases) are printed above one
 * status line that is redrawn in place. Non-interactive (CI logs, pipes): one plain line per
 * event and a progress line every few seconds; never a carriage return or an ANSI clear.
 */
export function createConsoleReporter(opts: ConsoleReporterOptions): Reporter {
  const { stream, interactive } = opts;
  const c = palette(opts.color ?? interactive);
  const progressEveryMs = opts.progressEveryMs ?? 5000;
  const state = {
    phase: 'starting' as RunPhase,
    detail: undefined as string | undefined,
    totalMs: 0,
    last: undefined as SecondProgress | undefined,
    /** Counts since the last progress line (non-interactive), so it shows rates over its interval. */
    interval: { seconds: 0, sent: 0, errors: 0, dropped: 0 },
    /** Faults whose `fault on` line was printed and `fault off` not yet: the console shows a fault
     * as active only once it has said so, whatever the runner's own view at that second. */
    active: new Set<string>(),
    statusShown: false,
    lastProgressAtMs: 0,
  };

  const write = (text: string) => void stream.write(text);

  /** Interactive: erase the status line, print `text` on its own line(s), draw status again. */
  const print = (text: string) => {
    if (!interactive) return write(text + '\n');
    write(CLEAR_LINE + text + '\n');
    if (state.statusShown) drawStatus();
  };

  const drawStatus = () => {
    state.statusShown = true;
    const columns = 'columns' in stream && typeof stream.columns === 'number' ? stream.columns : 120;
    write(CLEAR_LINE + fitTo(statusLine(), columns - 1));
  };

  const statusLine = (): string => {
    const parts = [c.cyan(state.phase.padEnd(9))];
    if (state.detail) parts.push(c.dim(state.detail));
    if (state.last) {
      parts.push(`${formatAt(state.last.elapsedMs)}/${formatAt(state.totalMs || state.last.totalMs)}`);
      parts.push(`${trim(state.last.reqPerSec, 1)} req/s`, `p99 ${formatMs(state.last.p99Ms)}`);
      parts.push((state.last.errors > 0 ? c.red : c.dim)(`errors ${trim(state.last.errors, 1)}/s`));
      parts.push((state.last.dropped > 0 ? c.yellow : c.dim)(`dropped ${trim(state.last.dropped, 1)}/s`));
    }
    if (state.active.size > 0) parts.push(c.yellow(`faults: ${[...state.active].join(', ')}`));
    return parts.join('  ');
  };

  /** Rates over the seconds since the previous progress line (every number a per-second rate,
   * so errors/s sits next to req/s), p99 of the last second. */
  const progressLine = (s: SecondProgress): string => {
    const { seconds, sent, errors, dropped } = state.interval;
    const rate = (n: number) => trim(n / Math.max(1, seconds), 1);
    const faults = state.active.size > 0 ? `  faults: ${[...state.active].join(', ')}` : '';
    return `[${formatAt(s.elapsedMs)}/${formatAt(s.totalMs)}] ${rate(sent)} req/s  p99 ${formatMs(s.p99Ms)}  errors ${rate(errors)}/s  dropped ${rate(dropped)}/s${faults}`;
  };

  return {
    name: 'console',
    onPlan(info: PlanInfo) {
      state.totalMs = info.durationMs;
      print(c.bold(`${info.scenario} [${info.profile}]`) + ` ${formatAt(info.durationMs)} of load, ${info.faults.length} fault(s)`);
      for (const f of info.faults) {
        const forText = f.forMs === undefined ? '' : ` for ${formatAt(f.forMs)}`;
        print(`  ${c.dim('·')} ${f.label} at ${formatAt(f.atMs)}${forText}`);
      }
      if (interactive) drawStatus();
    },
    onPhase(phase, detail) {
      state.phase = phase;
      state.detail = detail;
      if (interactive) drawStatus();
      else write(`phase ${phase}${detail ? `: ${detail}` : ''}\n`);
    },
    onSecond(s) {
      state.last = s;
      if (interactive) return drawStatus();
      const interval = state.interval;
      interval.seconds += 1;
      interval.sent += s.reqPerSec;
      interval.errors += s.errors;
      interval.dropped += s.dropped;
      if (s.elapsedMs - state.lastProgressAtMs >= progressEveryMs) {
        state.lastProgressAtMs = s.elapsedMs;
        write(progressLine(s) + '\n');
        state.interval = { seconds: 0, sent: 0, errors: 0, dropped: 0 };
      }
    },
    onFault(e: FaultEvent) {
      if (!e.error) {
        if (e.action === 'apply') state.active.add(e.label);
        else state.active.delete(e.label);
      }
      print(faultLine(e, c));
    },
    onServiceExit(e) {
      const tail = e.lastLines.length ? `\n${e.lastLines.map((line) => `  ${c.dim('|')} ${line}`).join('\n')}` : '';
      print(`${c.red(`service ${e.service} exited on its own`)} (code ${e.code}, signal ${e.signal}); its last lines:${tail || ' (none)'}`);
    },
    onResult(result, files) {
      if (interactive && state.statusShown) write(CLEAR_LINE);
      state.statusShown = false;
      if (opts.summary === false) return;
      // An empty folder means no files were written (e.g. the programmatic API with outDir false).
      const written = files.dir ? { files } : {};
      write('\n' + renderSummary(result, { color: opts.color ?? interactive, ...written }));
    },
  };
}

function faultLine(e: FaultEvent, c: ReturnType<typeof palette>): string {
  const at = `[${formatAt(e.atMs)}]`;
  const name = e.label.includes(e.id) ? e.label : `${e.id}: ${e.label}`;
  if (e.error) return `${at} ${c.red(`fault could not be ${e.action === 'apply' ? 'applied' : 'removed'}`)} ${name}: ${e.error}`;
  const verb = e.action === 'apply' ? c.yellow('fault on ') : c.green('fault off');
  return `${at} ${verb} ${name}`;
}

/** Cut a status line to the terminal width so it never wraps (a wrapped line cannot be redrawn). */
function fitTo(text: string, columns: number): string {
  if ([...stripAnsi(text)].length <= columns) return text;
  const plain = [...stripAnsi(text)];
  return plain.slice(0, Math.max(0, columns - 1)).join('') + '…';
}
