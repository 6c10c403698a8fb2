import type { ToxiproxyApi } from './api.ts';
import { isProcessAlive, type Journal, type JournalEntry } from './journal.ts';
import { isNotFound } from './not-found.ts';

/**
 * Undoes one journal entry in Toxiproxy: removes its toxics, re-enables what it disabled,
 * deletes the proxies it created — exactly those, nothing else. Something already gone (404)
 * counts as undone. Returns problems (empty when all was undone).
 */
export async function undoEntry(api: ToxiproxyApi, entry: JournalEntry): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      if (!isNotFound(error)) problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for (const toxic of entry.toxics) {
    await attempt(`remove toxic ${toxic.name} of ${toxic.proxy}`, () => api.deleteToxic(toxic.proxy, toxic.name));
  }
  for (const name of entry.disabled) {
    await attempt(`enable proxy ${name}`, async () => {
      const proxy = await api.getProxy(name);
      await api.updateProxy(name, { enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    });
  }
  for (const name of entry.proxies) {
    await attempt(`delete proxy ${name}`, () => api.deleteProxy(name));
  }
  return problems;
}

export interface UndoOptions {
  /** Also undo runs whose process still seems alive (`cleanup --force`). */
  includeLive?: boolean;
  /** Never this run (the one starting now). */
  keepRunId?: string;
}

/** Undoes every entry of runs that are no longer alive (all entries but `keepRunId` with
 * `includeLive`), forgetting each one fully undone. Returns the run ids undone and the problems
 * met. */
export async function undoDeadRuns(api: ToxiproxyApi, journal: Journal, options: UndoOptions = {}): Promise<{ undone: string[]; problems: string[] }> {
  const undone: string[] = [];
  const problems: string[] = [];
  for (const entry of journal.entries()) {
    if (entry.runId === options.keepRunId) continue;
    if (!options.includeLive && isProcessAlive(entry.pid) && entry.pid !== process.pid) continue;
    const entryProblems = await undoEntry(api, entry);
    problems.push(...entryProblems);
    if (entryProblems.length === 0) {
      journal.forget(entry.runId);
      undone.push(entry.runId);
    }
  }
  return { undone, problems };
}
