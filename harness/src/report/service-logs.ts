import { join } from 'node:path';
import type { ResultFiles, RunEvents } from '../model/events.ts';
import { writeTextFile } from '../util/write-text-file.ts';

/** What one service's log keeps at most; past it the oldest lines go (the end is what explains a death). */
const maxBytesPerService = 2 * 1024 * 1024;

interface ServiceLog {
  lines: string[];
  bytes: number;
  dropped: number;
}

export interface ServiceLogReporter extends RunEvents {
  /** Takes one line a service wrote (the run's `onServiceOutput`). */
  record(service: string, line: string, stream: 'stdout' | 'stderr'): void;
}

/**
 * Keeps what every service writes during a run and saves it as `services/<name>.log` in the
 * result folder once the run is over: a user's service that misbehaved under a fault can be
 * read afterwards, next to the verdict. Lines are stamped with the time and the stream.
 */
export function createServiceLogReporter(): ServiceLogReporter {
  const logs = new Map<string, ServiceLog>();
  const append = (service: string, text: string) => {
    let log = logs.get(service);
    if (!log) logs.set(service, (log = { lines: [], bytes: 0, dropped: 0 }));
    log.lines.push(text);
    log.bytes += text.length + 1;
    while (log.bytes > maxBytesPerService && log.lines.length > 1) {
      log.bytes -= log.lines.shift()!.length + 1;
      log.dropped++;
    }
  };
  return {
    record(service, line, stream) {
      append(service, `${new Date().toISOString()} ${stream === 'stdout' ? 'out' : 'err'} ${line}`);
    },
    onServiceExit(exit) {
      append(exit.service, `${new Date().toISOString()} --- exited on its own (code ${exit.code}, signal ${exit.signal}) ---`);
    },
    async onRecording(_recording, files: ResultFiles) {
      if (!files.dir) return;
      for (const [service, log] of logs) {
        const head = log.dropped > 0 ? `(${log.dropped} earlier lines dropped: the log keeps the last ${maxBytesPerService} bytes)\n` : '';
        await writeTextFile(serviceLogFile(files.dir, service), `${head}${log.lines.join('\n')}\n`);
      }
    },
  };
}

/** `<result folder>/services/<name>.log`. */
export function serviceLogFile(dir: string, service: string): string {
  return join(dir, 'services', `${service}.log`);
}
