import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planScenario } from '../../src/api/run-scenario.ts';
import { main } from '../../src/cli/main.ts';
import { exportK6Script } from '../../src/k6/script.ts';
import type { Recording } from '../../src/model/recording.ts';
import type { RunResult } from '../../src/model/result.ts';
import { captureIo } from '../scenario/capture.ts';

// Two k6 instances (the stand-in, each the whole exported load) against one real HTTP server,
// started for the same t = 0 as a distributed k6 run would be; their JSON outputs are then
// ingested into one recording and judged once.
const standIn = join(import.meta.dirname, 'stand-in', 'k6');
const scenarioFile = join(import.meta.dirname, 'fixtures', 'two-instances.yaml');
let dir: string;
let server: Server;
let served = 0;
let startEpochMs: number;
const outputs: string[] = [];

function runInstance(script: string, baseUrl: string, out: string): Promise<number | null> {
  const child = spawn(
    standIn,
    ['run', '--quiet', '--out', `json=${out}`, '-e', `BASE_URL=${baseUrl}`, '-e', `FAULTLINE_START_EPOCH_MS=${startEpochMs}`, script],
    {
      stdio: 'ignore',
    },
  );
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

async function cli(argv: string[]) {
  const { io, text } = captureIo();
  const code = await main(argv, io);
  return { code, ...text() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-k6-ingest-'));
  // Every fifth request fails: the merged error rate is known without timing.
  server = createServer((request, response) => {
    request.resume();
    served++;
    response.statusCode = served % 5 === 0 ? 503 : 200;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const plan = await planScenario({ scenario: scenarioFile });
  const script = join(dir, 'script.js');
  await writeFile(script, exportK6Script(plan, { baseUrl: 'http://127.0.0.1:9' }));
  startEpochMs = Date.now() + 10_000; // time for both to start on a machine the whole suite shares
  outputs.push(join(dir, 'a.ndjson'), join(dir, 'b.ndjson'));
  const codes = await Promise.all(outputs.map((out) => runInstance(script, `http://127.0.0.1:${port}`, out)));
  expect(codes).toEqual([0, 0]);
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const requestsIn = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"Point"') && line.includes('"metric":"http_req_duration"')).length;

describe('faultline k6 ingest', () => {
  it("merges two instances' outputs by time into one recording and judges it once", async () => {
    const out = join(dir, 'merged');
    const { code, stdout } = await cli(['k6', 'ingest', ...outputs, '--scenario', scenarioFile, '--start', String(startEpochMs), '--out', out]);
    expect(code, stdout).toBe(0);
    const { recording } = JSON.parse(readFileSync(join(out, 'recording.json'), 'utf8')) as { recording: Recording };
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;

    // Every request of both instances, each the one the server answered.
    const [a, b] = outputs.map(requestsIn);
    expect(a).toBeGreaterThanOrEqual(55); // 20/s for 3 s each
    expect(recording.samples).toHaveLength(a! + b!);
    expect(recording.samples.length).toBe(served);
    // Merged by time: in end order, both instances' requests side by side from t = 0.
    const ends = recording.samples.map((s) => s.endMs);
    expect(ends).toEqual([...ends].sort((x, y) => x - y));
    expect(Math.min(...recording.samples.map((s) => s.sentMs))).toBeGreaterThan(-50);
    expect(Math.max(...ends)).toBeLessThan(3000 + 1000);
    expect(recording.k6).toEqual({ thresholds: [], script: 'a.ndjson, b.ndjson', startEpochMs });

    // Judged once, on the whole merged load: a fifth of the server's answers were 503. (A k6
    // request counts in the window it was sent in — k6 reports no scheduled time — so one sent
    // late by a busy machine, after the load's 3 s, is outside every window.)
    expect(result.slos).toHaveLength(1);
    const whole = result.windows.find((w) => w.name === 'whole')!;
    expect(whole.requests).toBeGreaterThan(served - 10);
    expect(whole.requests).toBeLessThanOrEqual(served);
    expect(whole.errors / whole.requests).toBeGreaterThan(0.12);
    expect(whole.errors / whole.requests).toBeLessThan(0.28);
    expect(result.verdict).toBe('pass');
    expect(stdout).toContain('k6 output ingested: a.ndjson, b.ndjson');
  });

  it("joins one more instance's output to a saved recording, on that recording's t = 0", async () => {
    const out = join(dir, 'joined');
    expect((await cli(['k6', 'ingest', outputs[0]!, '--scenario', scenarioFile, '--start', new Date(startEpochMs).toISOString(), '--out', out])).code).toBe(0);
    const { code } = await cli(['k6', 'ingest', outputs[1]!, '--into', out]);
    expect(code).toBe(0);
    const { recording } = JSON.parse(readFileSync(join(out, 'recording.json'), 'utf8')) as { recording: Recording };
    expect(recording.samples).toHaveLength(served);
    expect(recording.k6?.script).toBe('a.ndjson + b.ndjson');
  });

  it('reads the gzipped output k6 writes for --out json=F.gz', async () => {
    const gz = join(dir, 'a.ndjson.gz');
    await writeFile(gz, gzipSync(readFileSync(outputs[0]!)));
    const out = join(dir, 'gz');
    expect((await cli(['k6', 'ingest', gz, '--scenario', scenarioFile, '--start', String(startEpochMs), '--out', out])).code).toBe(0);
    const { recording } = JSON.parse(readFileSync(join(out, 'recording.json'), 'utf8')) as { recording: Recording };
    expect(recording.samples).toHaveLength(requestsIn(outputs[0]!));
  });

  it('names the file and line of a malformed record (exit 2)', async () => {
    const bad = join(dir, 'bad.ndjson');
    const lines = readFileSync(outputs[0]!, 'utf8').split('\n').slice(0, 3);
    await writeFile(bad, [...lines, '{"metric":"http_req_duration","type":"Point","data":{"time":"now","value":1,"tags":{}}}', ''].join('\n'));
    const { code, stderr } = await cli(['k6', 'ingest', bad, '--scenario', scenarioFile, '--start', String(startEpochMs)]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}:4:1 data.time: expected an RFC 3339 time, got "now"`);
  });

  it('asks for t = 0 and for the scenario or the run to join', async () => {
    expect((await cli(['k6', 'ingest', outputs[0]!, '--scenario', scenarioFile])).stderr).toContain('--start');
    expect((await cli(['k6', 'ingest', outputs[0]!])).code).toBe(2);
    expect((await cli(['k6', 'ingest', outputs[0]!, '--scenario', scenarioFile, '--start', 'soon'])).stderr).toContain(
      "--start expects epoch ms or an ISO time, got 'soon'",
    );
  });
});
