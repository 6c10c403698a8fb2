import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToxiproxyApi } from '../../src/proxies/api.ts';
import { Journal, type JournalEntry } from '../../src/proxies/journal.ts';
import { isNotFound, ToxiproxyHttpError } from '../../src/proxies/not-found.ts';
import { ToxiproxySession } from '../../src/proxies/session.ts';
import { startToxiproxy, type EmbeddedToxiproxy } from '../../src/toxiproxy/index.ts';

// The embedded server stands in for an external, shared Toxiproxy: the session journals what it
// changes there, as it would in CI against a compose stack.
let server: EmbeddedToxiproxy;
let api: ToxiproxyApi;
let dir: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  server = await startToxiproxy({ port: 0, seed: 1 });
  api = new ToxiproxyApi(server.url);
  dir = await mkdtemp(join(tmpdir(), 'faultline-journal-'));
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const latency = (name: string) => ({ name, type: 'latency', stream: 'downstream' as const, toxicity: 1, attributes: { latency: 100, jitter: 0 } });

/** Toxic names of a proxy, as the server has them. */
async function toxicsOf(proxy: string): Promise<string[]> {
  const body = (await (await fetch(`${server.url}/proxies/${proxy}/toxics`)).json()) as { name: string }[];
  return body.map((t) => t.name).sort();
}

function entryOf(journal: Journal, runId: string): JournalEntry | undefined {
  return journal.entries().find((e) => e.runId === runId);
}

async function runSession(runId: string): Promise<{ session: ToxiproxySession; journal: Journal }> {
  const journal = new Journal(server.url, runId, dir);
  return { session: await ToxiproxySession.connect(server.url, { journal }), journal };
}

/** A pid no process has any more: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** Rewrites a run's pid in the journal file (as if another process had written it). */
function setPid(journal: Journal, runId: string, pid: number): void {
  const content = JSON.parse(readFileSync(journal.file, 'utf8')) as { runs: JournalEntry[] };
  content.runs.find((r) => r.runId === runId)!.pid = pid;
  writeFileSync(journal.file, JSON.stringify(content));
}

describe('the Toxiproxy session of a run', () => {
  it('journals a toxic before adding it: when the journal cannot be written, the toxic is not added', async () => {
    const { session, journal } = await runSession('run-a');
    await session.populate('a_to_b', '127.0.0.1:1');

    const update = vi.spyOn(journal, 'update').mockImplementationOnce(() => {
      throw new Error('disk full');
    });
    await expect(session.addToxic('a_to_b', latency('faultline_run-a_slow'))).rejects.toThrow('disk full');
    expect(await toxicsOf('a_to_b')).toEqual([]);
    update.mockRestore();

    await session.addToxic('a_to_b', latency('faultline_run-a_slow'));
    expect(await toxicsOf('a_to_b')).toEqual(['faultline_run-a_slow']);
    expect(entryOf(journal, 'run-a')).toMatchObject({ proxies: ['a_to_b'], toxics: [{ proxy: 'a_to_b', name: 'faultline_run-a_slow' }] });
  });

  it('journals a proxy before creating it and a disable before making it; each undo is noted once done', async () => {
    const { session, journal } = await runSession('run-a');
    const update = journal.update.bind(journal);
    // The order of journal writes and requests, seen from outside the session.
    const seen: string[] = [];
    // Every request goes through ToxiproxyApi's one private `call`; it is watched, not replaced.
    const api = ToxiproxyApi.prototype as unknown as { call(method: string, path: string, body?: unknown): Promise<string> };
    const call = api.call;
    vi.spyOn(api, 'call').mockImplementation(function (this: ToxiproxyApi, method: string, path: string, body?: unknown) {
      seen.push(`${method} ${path}`);
      return call.call(this, method, path, body);
    });
    vi.spyOn(journal, 'update').mockImplementation((change) => {
      seen.push('journal');
      update(change);
    });

    await session.populate('a_to_b', '127.0.0.1:1');
    await session.setEnabled('a_to_b', false);
    expect(entryOf(journal, 'run-a')).toMatchObject({ proxies: ['a_to_b'], disabled: ['a_to_b'] });
    await session.setEnabled('a_to_b', true);
    expect(entryOf(journal, 'run-a')?.disabled).toEqual([]);
    expect(await session.deleteCreatedProxies()).toEqual([]);
    expect(seen).toEqual([
      'journal',
      'POST /populate',
      'journal',
      'POST /proxies/a_to_b',
      'POST /proxies/a_to_b',
      'journal',
      'DELETE /proxies/a_to_b',
      'journal',
    ]);
    // Everything undone: the run's entry lists nothing (the runner then forgets it).
    expect(entryOf(journal, 'run-a')).toMatchObject({ proxies: [], toxics: [], disabled: [] });
  });

  it('forgets the run once its entry lists nothing left to undo, and only then', async () => {
    // A run's other problems (a service restart cut short by a signal) are no reason to keep
    // its entry: only a Toxiproxy change still in place is. Found by the signal trials.
    const { session, journal } = await runSession('run-a');
    const other = new Journal(server.url, 'run-b', dir);
    other.update((entry) => entry.toxics.push({ proxy: 'shared', name: 'theirs' }));
    await session.populate('a_to_b', '127.0.0.1:1');
    await session.addToxic('a_to_b', latency('faultline_run-a_slow'));
    journal.forgetIfUndone();
    expect(entryOf(journal, 'run-a')?.toxics).toHaveLength(1);

    await session.removeToxic('a_to_b', 'faultline_run-a_slow');
    journal.forgetIfUndone();
    expect(entryOf(journal, 'run-a')?.proxies).toEqual(['a_to_b']);

    expect(await session.deleteCreatedProxies()).toEqual([]);
    journal.forgetIfUndone();
    expect(entryOf(journal, 'run-a')).toBeUndefined();
    expect(entryOf(journal, 'run-b')?.toxics).toEqual([{ proxy: 'shared', name: 'theirs' }]);
  });

  it('tolerates removing a toxic that is not there: a typed not-found (404), not a message match', async () => {
    const { session, journal } = await runSession('run-a');
    await session.populate('a_to_b', '127.0.0.1:1');

    const error = await api.deleteToxic('a_to_b', 'never_added').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToxiproxyHttpError);
    expect(error).toMatchObject({ status: 404, method: 'DELETE' });
    expect(isNotFound(error)).toBe(true);
    // Only the status counts: a message that merely mentions 404 is not "not found".
    expect(isNotFound(new Error('Request failed with status code 404'))).toBe(false);

    await expect(session.removeToxic('a_to_b', 'never_added')).resolves.toBe(false);
    await session.addToxic('a_to_b', latency('faultline_run-a_slow'));
    await expect(session.removeToxic('a_to_b', 'faultline_run-a_slow')).resolves.toBe(true);
    expect(entryOf(journal, 'run-a')?.toxics).toEqual([]);
  });

  it('does not swallow an error that is not a 404', async () => {
    // A Toxiproxy that knows the proxy but fails every removal.
    const failing: Server = createServer((req, res) => {
      if (req.url === '/version') res.end('{"version":"2.12.0"}');
      else if (req.method === 'POST' && req.url === '/populate') {
        res.end(JSON.stringify({ proxies: [{ name: 'a_to_b', listen: '127.0.0.1:5555', upstream: '127.0.0.1:1', enabled: true }] }));
      } else res.writeHead(500).end('boom');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => failing.close(resolve)));
    const url = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
    const journal = new Journal(url, 'run-a', dir);
    const session = await ToxiproxySession.connect(url, { journal });
    await session.populate('a_to_b', '127.0.0.1:1');

    await expect(session.removeToxic('a_to_b', 'faultline_run-a_slow')).rejects.toMatchObject({ status: 500, code: 'FL_ENVIRONMENT' });
    expect(await session.deleteCreatedProxies()).toEqual([expect.stringMatching(/delete proxy a_to_b: .*500.*boom/)]);
    // Still journalled, so that a later cleanup tries again.
    expect(entryOf(journal, 'run-a')?.proxies).toEqual(['a_to_b']);
    setPid(journal, 'run-a', deadPid());
    const next = await ToxiproxySession.connect(url, { journal: new Journal(url, 'run-b', dir) });
    const { undone, problems } = await next.undoDeadRuns({ keepRunId: 'run-b' });
    expect(undone).toEqual([]);
    expect(problems).toEqual([expect.stringMatching(/delete proxy a_to_b: .*500/)]);
    expect(journal.entries().map((e) => e.runId)).toEqual(['run-a']);
  });

  it('says the server is unreachable (exit 3), naming the URL', async () => {
    const url = server.url;
    await server.close();
    await expect(ToxiproxySession.connect(url)).rejects.toMatchObject({ code: 'FL_TOXIPROXY_UNREACHABLE', message: expect.stringContaining(url) });
  });
});

describe('undo of a dead run', () => {
  it("removes exactly its toxics, re-enables its proxies and deletes its proxies, touching nobody else's", async () => {
    // Someone else's proxies on the shared server: one faultline will also use, one it never touches.
    await api.populate([
      { name: 'shared_to_db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', enabled: true },
      { name: 'other_to_db', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', enabled: false },
    ]);
    await api.addToxic('shared_to_db', latency('their_toxic'));
    await api.addToxic('other_to_db', latency('their_other_toxic'));

    // A run that dies mid-fault: a proxy of its own with a toxic, a toxic on the adopted shared
    // proxy, which it also disabled.
    const dead = await runSession('dead-run');
    await dead.session.populate('a_to_b', '127.0.0.1:1');
    await dead.session.adopt('shared_to_db');
    await dead.session.addToxic('a_to_b', latency('faultline_dead-run_x'));
    await dead.session.addToxic('shared_to_db', latency('faultline_dead-run_y'));
    await dead.session.setEnabled('shared_to_db', false);
    setPid(dead.journal, 'dead-run', deadPid());

    // A run still alive (another process): its changes are not ours to undo.
    const live = await runSession('live-run');
    await live.session.populate('c_to_d', '127.0.0.1:1');
    await live.session.addToxic('c_to_d', latency('faultline_live-run_z'));
    setPid(live.journal, 'live-run', process.ppid);

    const next = await runSession('next-run');
    const { undone, problems } = await next.session.undoDeadRuns({ keepRunId: 'next-run' });
    expect(problems).toEqual([]);
    expect(undone).toEqual(['dead-run']);

    const after = (await (await fetch(`${server.url}/proxies`)).json()) as Record<string, { enabled: boolean }>;
    expect(Object.keys(after).sort()).toEqual(['c_to_d', 'other_to_db', 'shared_to_db']);
    expect(after['shared_to_db']!.enabled).toBe(true);
    expect(after['other_to_db']!.enabled).toBe(false);
    expect(await toxicsOf('shared_to_db')).toEqual(['their_toxic']);
    expect(await toxicsOf('other_to_db')).toEqual(['their_other_toxic']);
    expect(await toxicsOf('c_to_d')).toEqual(['faultline_live-run_z']);
    expect(next.journal.entries().map((e) => e.runId)).toEqual(['live-run']);
  });

  it('counts what is already gone as undone, and forgets the run', async () => {
    const dead = await runSession('dead-run');
    await dead.session.populate('a_to_b', '127.0.0.1:1');
    await dead.session.addToxic('a_to_b', latency('faultline_dead-run_x'));
    setPid(dead.journal, 'dead-run', deadPid());
    await api.deleteProxy('a_to_b'); // removed by hand meanwhile: its toxic went with it

    const next = await runSession('next-run');
    expect(await next.session.undoDeadRuns({ keepRunId: 'next-run' })).toEqual({ undone: ['dead-run'], problems: [] });
    expect(existsSync(next.journal.file)).toBe(false);
  });
});
