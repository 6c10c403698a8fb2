import type { Toxiproxy } from 'toxiproxy-node-client';
import { isProcessAlive, type Journal, type JournalEntry } from './journal.ts';

function isNotFound(error: unknown): boolean {
  return String(error).includes('404');
}

/** Undoes one journal entry in Toxiproxy: removes its toxics, re-enables what it disabled,
 * deletes the proxies it created. Returns problems (empty when all was undone). */
export async function undoEntry(toxiproxy: Toxiproxy, entry: JournalEntry): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      if (!isNotFound(error)) problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for (const toxic of entry.toxics) {
    await attempt(`remove toxic ${toxic.name} of ${toxic.proxy}`, async () => (await (await toxiproxy.get(toxic.proxy)).getToxic(toxic.name)).remove());
  }
  for (const name of entry.disabled) {
    await attempt(`enable proxy ${name}`, async () => {
      const proxy = await toxiproxy.get(name);
      await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    });
  }
  for (const name of entry.proxies) {
    await attempt(`delete proxy ${name}`, async () => (await toxiproxy.get(name)).remove());
  }
  return problems;
}

/** Undoes every entry of runs that are no longer alive (all entries but `keepRunId` with
 * `includeLive`). Returns the run ids undone and the problems met. */
export async function undoDeadRuns(
  toxiproxy: Toxiproxy,
  journal: Journal,
  options: { includeLive?: boolean; keepRunId?: string } = {},
): Promise<{ undone: string[]; problems: string[] }> {
  const undone: string[] = [];
  const problems: string[] = [];
  for (const entry of journal.entries()) {
    if (entry.runId === options.keepRunId) continue;
    if (!options.includeLive && isProcessAlive(entry.pid) && entry.pid !== process.pid) continue;
    const entryProblems = await undoEntry(toxiproxy, entry);
    problems.push(...entryProblems);
    if (entryProblems.length === 0) {
      journal.forget(entry.runId);
      undone.push(entry.runId);
    }
  }
  return { undone, problems };
}
