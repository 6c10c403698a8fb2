import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  countFds,
  isListening,
  listenerHolders,
  listeningPorts,
  parseListeningSockets,
  parseStat,
  parseVmRssBytes,
  processesOfRun,
  readRssBytes,
  socketInodes,
} from '../../bench/proc.ts';

// Captured from a Linux 6.x machine (trimmed columns are kept as the kernel writes them).
const netTcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1605 1 0000000002151445 100 0 0 10 0
   1: 0100007F:9A9F 0100007F:CF46 06 00000000:00000000 03:00000480 00000000     0        0 0 3 00000000d1ffc697
   2: 0100007F:8CA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 905771 1 00000000aa 100 0 0 10 0
   3: 0100007F:8CA1 0100007F:D0D2 01 00000000:00000000 00:00000000 00000000     0        0 905772 1 00000000bb 20 4 30 10 -1
`;

describe('parsers of /proc text', () => {
  it('reads the resident set size in bytes from a status file', () => {
    expect(parseVmRssBytes('Name:\tnode\nPid:\t4715\nVmRSS:\t    1616 kB\nThreads:\t7\n')).toBe(1616 * 1024);
    expect(() => parseVmRssBytes('Name:\tkthreadd\n')).toThrow(/no VmRSS/);
  });

  it('reads state, parent and process group from a stat line whose command holds spaces and parentheses', () => {
    expect(parseStat('4715 (node) S 4700 4715 4700 0 -1 4194560 0 0')).toEqual({ state: 'S', ppid: 4700, pgid: 4715 });
    expect(parseStat('77 (a (weird) name) Z 1 60 60 0')).toEqual({ state: 'Z', ppid: 1, pgid: 60 });
  });

  it('keeps only listening sockets of /proc/net/tcp, by inode, with their port', () => {
    expect([...parseListeningSockets(netTcp)]).toEqual([
      [1605, 0x07e8],
      [905771, 0x8ca1],
    ]);
  });

  it('picks socket inodes out of descriptor link targets', () => {
    expect(socketInodes(['/dev/null', 'pipe:[905690]', 'socket:[905771]', 'anon_inode:[eventpoll]', 'socket:[12]'])).toEqual([905771, 12]);
  });
});

describe('readers of a live process', () => {
  it('see this process: memory, descriptors, and the port it has just started listening on', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      expect(readRssBytes(process.pid)).toBeGreaterThan(1024 * 1024);
      expect(countFds(process.pid)).toBeGreaterThan(3);
      expect(listeningPorts([process.pid])).toContain(port);
      expect(isListening(port)).toBe(true);
      expect(listenerHolders(port)).toEqual([process.pid]);
    } finally {
      server.close();
      await once(server, 'close');
    }
    expect(isListening(port)).toBe(false);
  });

  it('finds a run by its process group and its environment tag, and nothing once it has exited', async () => {
    const tag = `FAULTLINE_PROC_TEST=${process.pid}-${Math.random()}`;
    const [name, value] = tag.split('=') as [string, string];
    // A detached child leads its own group; its grandchild moves to yet another group (as a
    // service does) and is found by the tag alone once its parent is gone.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { detached: true, stdio: 'ignore' }).unref(); setTimeout(() => {}, 60000)`,
      ],
      {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, [name]: value },
      },
    );
    const marks = { rootPid: child.pid!, pgid: child.pid!, envTag: tag };
    try {
      const deadline = performance.now() + 10_000;
      while (processesOfRun(marks).length < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const found = processesOfRun(marks);
      expect(found).toContain(child.pid);
      expect(found).toHaveLength(2);
    } finally {
      for (const pid of processesOfRun(marks)) process.kill(pid, 'SIGKILL');
    }
    const deadline = performance.now() + 5000;
    while (processesOfRun(marks).length > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(processesOfRun(marks)).toEqual([]);
  });
});
