import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * What runs changed in an external (possibly shared) Toxiproxy, written before each change so
 * that a run that dies — even by SIGKILL — can be undone exactly by the next start or by
 * `faultline cleanup`, without ever calling /reset on a server others may use. Changes are
 * recorded by ToxiproxySession (session.ts) only, the one place Toxiproxy is changed.
 */
export interface JournalEntry {
  runId: string;
  pid: number;
  startedAt: string;
  /** Proxies the run created (deleted on undo). */
  proxies: string[];
  /** Toxics the run added (removed on undo). */
  toxics: { proxy: string; name: string }[];
  /** Proxies the run disabled (enabled again on undo). */
  disabled: string[];
}

interface JournalFile {
  toxiproxy: string;
  runs: JournalEntry[];
}

/** Directory of the state files: `FAULTLINE_STATE_DIR`, else `$XDG_STATE_HOME/faultline`, else
 * `~/.local/state/faultline`. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAULTLINE_STATE_DIR) return env.FAULTLINE_STATE_DIR;
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'faultline');
}

export function journalFile(toxiproxyUrl: string, dir: string): string {
  return join(dir, `toxiproxy-${toxiproxyUrl.replace(/^https?:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_')}.json`);
}

function read(file: string, toxiproxy: string): JournalFile {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JournalFile;
  } catch {
    return { toxiproxy, runs: [] };
  }
}

/** Atomic replace: a crash mid-write leaves the previous file, never a torn one. */
function write(file: string, content: JournalFile): void {
  if (content.runs.length === 0) {
    rmSync(file, { force: true });
    return;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(content, null, 2));
  renameSync(temporary, file);
}

export class Journal {
  readonly file: string;
  private readonly toxiproxy: string;
  private readonly runId: string;

  constructor(toxiproxyUrl: string, runId: string, dir = stateDir()) {
    mkdirSync(dir, { recursive: true });
    this.file = journalFile(toxiproxyUrl, dir);
    this.toxiproxy = toxiproxyUrl;
    this.runId = runId;
  }

  /** Every entry, this run's included. */
  entries(): JournalEntry[] {
    return read(this.file, this.toxiproxy).runs;
  }

  /** Applies `change` to this run's entry (creating it) and persists it. */
  update(change: (entry: JournalEntry) => void): void {
    const content = read(this.file, this.toxiproxy);
    let entry = content.runs.find((r) => r.runId === this.runId);
    if (!entry) {
      entry = { runId: this.runId, pid: process.pid, startedAt: new Date().toISOString(), proxies: [], toxics: [], disabled: [] };
      content.runs.push(entry);
    }
    change(entry);
    write(this.file, content);
  }

  /**
   * Drops this run's entry when it lists nothing left to undo — whatever else went wrong in the
   * run. The entry is kept exactly when a Toxiproxy change could not be undone: a problem
   * elsewhere (a crashed service whose restart a signal cut short) is no reason to make the next
   * start or `faultline cleanup` look at this run again.
   */
  forgetIfUndone(): void {
    const entry = this.entries().find((r) => r.runId === this.runId);
    if (!entry || entry.proxies.length + entry.toxics.length + entry.disabled.length === 0) this.forget();
  }

  /** Drops an entry once everything it lists was undone. */
  forget(runId: string = this.runId): void {
    const content = read(this.file, this.toxiproxy);
    content.runs = content.runs.filter((r) => r.runId !== runId);
    write(this.file, content);
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
