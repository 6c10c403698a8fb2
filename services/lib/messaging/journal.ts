import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A service's durable state: an append-only file of JSON lines, replayed when the service starts
 * again. One `append` is one write(2) of all its lines, so a state change, its outbox entries and
 * the id of the message that caused them land together or (torn by a crash) are ignored
 * together on replay — the "transaction" of the transactional outbox. A process crash loses
 * nothing already written (the page cache survives the process); no fsync, as a power failure is
 * not a fault faultline injects.
 */
export interface Journal {
  append(records: readonly JournalRecord[]): void;
  /** Records written before this process started (empty for a new journal). */
  readonly replayed: readonly JournalRecord[];
  close(): void;
}

export type JournalRecord = { kind: string } & Record<string, unknown>;

/** Keeps nothing past the process: the journal of a service without a state folder. */
export class MemoryJournal implements Journal {
  readonly replayed: readonly JournalRecord[] = [];
  append(): void {}
  close(): void {}
}

/** Lines are grouped per append with a sequence number, so a torn group is recognised whole. */
interface Line {
  group: number;
  last: boolean;
  record: JournalRecord;
}

export class FileJournal implements Journal {
  readonly replayed: readonly JournalRecord[];
  private fd: number | undefined;
  private group = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.replayed = existsSync(path) ? FileJournal.read(path) : [];
    this.fd = openSync(path, 'a');
  }

  private static read(path: string): JournalRecord[] {
    const records: JournalRecord[] = [];
    let pending: JournalRecord[] = [];
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      if (!text) continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        break; // a torn last write: everything after it is incomplete
      }
      pending.push(line.record);
      if (line.last) {
        records.push(...pending);
        pending = [];
      }
    }
    return records;
  }

  append(records: readonly JournalRecord[]): void {
    if (this.fd === undefined) throw new Error(`journal ${this.path} is closed`);
    if (records.length === 0) return;
    const group = ++this.group;
    const text = records.map((record, i) => JSON.stringify({ group, last: i === records.length - 1, record } satisfies Line)).join('\n') + '\n';
    writeSync(this.fd, text);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
