import { FaultlineError } from '../../errors.ts';
import { Journal, stateDir } from '../../proxies/journal.ts';
import { ToxiproxySession } from '../../proxies/session.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../options.ts';
import { ExitCode } from '../exit-code.ts';

const usage = `Usage: faultline cleanup [--toxiproxy <url>] [--force]

Undoes what dead faultline runs left in a (shared) Toxiproxy: removes the toxics they added,
re-enables the proxies they disabled and deletes the proxies they created — only what the
journal in ${stateDir()} says faultline changed, never anyone else's. Safe to run
any time, e.g. in CI with \`if: always()\`.

Options:
  --toxiproxy <url>   the Toxiproxy to clean (env TOXIPROXY_URL; default http://127.0.0.1:8474)
  --force             also undo runs whose process still seems alive`;

export const cleanupCommand: Command = {
  name: 'cleanup',
  summary: 'undo what dead runs left behind in a shared Toxiproxy',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { toxiproxy: { type: 'string' }, force: { type: 'boolean' } }, usage, false);
    const url = values.toxiproxy ?? ctx.env.TOXIPROXY_URL ?? 'http://127.0.0.1:8474';
    const journal = new Journal(url, `cleanup-${process.pid}`, ctx.env.FAULTLINE_STATE_DIR ?? stateDir(ctx.env));
    const pending = journal.entries();
    if (pending.length === 0) {
      ctx.stdout.write(`nothing to clean up for ${url}\n`);
      return ExitCode.Ok;
    }
    // FL_TOXIPROXY_UNREACHABLE (exit 3) when the server cannot be reached.
    const session = await ToxiproxySession.connect(url, { journal });
    const { undone, problems } = await session.undoDeadRuns({ includeLive: values.force ?? false });
    for (const runId of undone) ctx.stdout.write(`undone: run ${runId}\n`);
    const skipped = journal.entries().filter((e) => !undone.includes(e.runId));
    for (const entry of skipped) ctx.stdout.write(`left alone: run ${entry.runId} (process ${entry.pid} is alive; --force to undo it)\n`);
    if (problems.length > 0) {
      throw new FaultlineError('FL_CLEANUP', `cleanup of ${url} failed:\n  ${problems.join('\n  ')}`);
    }
    return ExitCode.Ok;
  },
};
