// Reading Linux /proc from outside a process: its memory, its open descriptors, the ports it
// listens on, and which processes belong to a run. The parsers are pure (tested on captured
// text); the readers are thin and tolerate a process vanishing mid-read.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Resident set size from /proc/<pid>/status text (`VmRSS:   1616 kB`), bytes. */
export function parseVmRssBytes(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS line in /proc status text: '${status.slice(0, 80)}…'`);
  return Number(match[1]) * 1024;
}

/** The fields of /proc/<pid>/stat a process walk needs. The command name sits in parentheses and
 * may itself hold spaces and parentheses, so fields are counted from the last `)`. */
export interface ProcStat {
  state: string;
  ppid: number;
  pgid: number;
}

export function parseStat(stat: string): ProcStat {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields.length < 3) throw new Error(`not a /proc stat line: '${stat.slice(0, 80)}'`);
  return { state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]) };
}

/** Listening sockets of /proc/net/tcp or tcp6 text: socket inode → local port (state 0A = LISTEN). */
export function parseListeningSockets(netTcp: string): Map<number, number> {
  const listening = new Map<number, number>();
  for (const line of netTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== '0A') continue;
    const port = Number.parseInt(fields[1]!.split(':')[1]!, 16);
    listening.set(Number(fields[9]), port);
  }
  return listening;
}

/** Socket inodes among the targets of a process's /proc/<pid>/fd links (`socket:[12345]`). */
export function socketInodes(fdTargets: readonly string[]): number[] {
  return fdTargets.flatMap((target) => {
    const match = /^socket:\[(\d+)\]$/.exec(target);
    return match ? [Number(match[1])] : [];
  });
}

export function readRssBytes(pid: number): number {
  return parseVmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** Open file descriptors of a process (its /proc/<pid>/fd entries). */
export function countFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function fdTargets(pid: number): string[] {
  const targets: string[] = [];
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return targets; // gone, or not ours to read
  }
  for (const fd of fds) {
    try {
      targets.push(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return targets;
}

/** Every TCP port some process in `pids` listens on. */
export function listeningPorts(pids: readonly number[]): number[] {
  const listening = new Map<number, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const [inode, port] of parseListeningSockets(readFileSync(file, 'utf8'))) listening.set(inode, port);
    } catch {
      // no IPv6 on this machine
    }
  }
  const ports = new Set<number>();
  for (const pid of pids) for (const inode of socketInodes(fdTargets(pid))) if (listening.has(inode)) ports.add(listening.get(inode)!);
  return [...ports].sort((a, b) => a - b);
}

/** Pids of every process (readable by us) with a listening socket on `port`: a walk of all of
 * /proc, so only for the rare port found still listening. */
export function listenerHolders(port: number): number[] {
  const inodes = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const [inode, listened] of parseListeningSockets(readFileSync(file, 'utf8'))) if (listened === port) inodes.add(inode);
    } catch {
      // no IPv6 on this machine
    }
  }
  const holders: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (socketInodes(fdTargets(Number(entry))).some((inode) => inodes.has(inode))) holders.push(Number(entry));
  }
  return holders;
}

/** Whether some process still listens on `port` (any address). */
export function isListening(port: number): boolean {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const listened of parseListeningSockets(readFileSync(file, 'utf8')).values()) if (listened === port) return true;
    } catch {
      // no IPv6 on this machine
    }
  }
  return false;
}

/** What marks a run's processes: its process group, descendants of its root, or an environment tag. */
export interface RunMarks {
  rootPid: number;
  pgid: number;
  /** `NAME=value` every process of the run inherits. */
  envTag: string;
}

/**
 * Live (not zombie) processes that belong to a run: in its process group, descending from its
 * root, or carrying its environment tag — the tag finds a service that was re-parented to init
 * and moved to a process group of its own.
 */
export function processesOfRun(marks: RunMarks): number[] {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 64; hops++) {
      if (at === marks.rootPid) return true;
      at = stats.get(at)?.ppid ?? 0;
    }
    return false;
  };
  const tagged = (pid: number): boolean => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marks.envTag);
    } catch {
      return false;
    }
  };
  const found: number[] = [];
  for (const [pid, stat] of stats) {
    if (pid === process.pid || stat.state === 'Z') continue;
    if (stat.pgid === marks.pgid || descends(pid) || tagged(pid)) found.push(pid);
  }
  return found.sort((a, b) => a - b);
}
