import { describe, expect, it } from 'vitest';
import { sourceFromText } from '../../src/document/source.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { formatPlan } from '../../src/plan/format.ts';
import { checkScenario } from '../../src/scenario/load.ts';
import { parseSloExpression } from '../../src/scenario/slo-grammar.ts';
import { taxiTopology } from '../../src/topology/taxi.ts';

const head = 'description: x\nload:\n  target: gateway\n  method: POST\n  path: /trips\n  rate: 10/s\n  duration: 20s\n';
const check = (text: string) => checkScenario(sourceFromText('/tmp/async.yaml', head + text));

describe("the scenario's async: block", () => {
  it('normalises: pointers as written, message id /id and drain 30s by default', () => {
    const { scenario, issues } = check(
      'async:\n  channel: driver.assigned\n  requestId: /id\n  completionId: /payload/tripId\nslos:\n  - messages_lost == 0\n',
    );
    expect(issues).toEqual([]);
    expect(scenario!.async).toEqual({ channel: 'driver.assigned', requestId: '/id', completionId: '/payload/tripId', messageId: '/id', drainMs: 30_000 });
  });

  it('scales the drain with --time-scale in the plan, and prints it', () => {
    const { scenario } = check('async:\n  channel: driver.assigned\n  requestId: /id\n  completionId: /payload/tripId\n  messageId: /meta/id\n  drain: 8s\n');
    const plan = compilePlan(scenario!, taxiTopology(), { timeScale: 0.25 });
    expect(plan.async).toMatchObject({ drainMs: 2000, messageId: '/meta/id' });
    expect(formatPlan(plan)).toContain(
      'async    /id of each accepted response, completed by driver.assigned (/payload/tripId, message id /meta/id); drain up to 2s after the load',
    );
  });

  it('reports bad values located, with what was expected', () => {
    const { issues } = check('async:\n  channel: driver.assigned\n  requestId: id\n  completionId: /payload/tripId\n  drain: 30\n  extra: 1\n');
    expect(issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`)).toEqual([
      `10:14 async.requestId: expected a JSON pointer such as '/id' or '/payload/tripId' (starting with '/'); got "id"`,
      "12:10 async.drain: a duration needs a unit: got the bare number 30; write e.g. '30s' or '30ms'",
      expect.stringMatching(/^13:3 async(\.extra)?: /),
    ]);
  });

  it('refuses an async SLO without the block, at the SLO', () => {
    const { issues } = check('slos:\n  - async_completion_rate >= 99%\n  - expect: async_latency_p(99) < 2s\n    window: whole\n  - p(99) < 1s\n');
    expect(issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`)).toEqual([
      "9:5 slos[0]: async_completion_rate needs the scenario's 'async:' block (the id in an accepted response, the channel whose message completes it, the id in that message)",
      "10:13 slos[1].expect: async_latency_p(99) needs the scenario's 'async:' block (the id in an accepted response, the channel whose message completes it, the id in that message)",
    ]);
  });
});

describe('the async SLO metrics in the grammar', () => {
  it.each([
    ['async_completion_rate >= 99.5%', { kind: 'async_completion_rate' }, 0.995],
    ['async_latency_p(99) < 2s', { kind: 'async_latency_percentile', percentile: 99 }, 2000],
    ['async_duplicates == 0', { kind: 'async_duplicates' }, 0],
    ['messages_lost == 0', { kind: 'messages_lost' }, 0],
    ['time_to_drain < 10s', { kind: 'time_to_drain' }, 10_000],
  ])('parses %s', (text, metric, threshold) => {
    expect(parseSloExpression(text)).toEqual({ ok: true, slo: expect.objectContaining({ metric, threshold }) });
  });

  it.each([
    ['async_latency_p99 < 2s', 1, "unknown metric 'async_latency_p99'; did you mean 'async_latency_p(99)'?"],
    ['async_latency_p(0) < 2s', 17, 'percentile must be in (0, 100], got 0'],
    ['time_to_drain < 10', 17, "time_to_drain takes 'ms' or 's', got no unit; write e.g. 10ms"],
    ['messages_lost{service=trip} == 0', 14, "metric 'messages_lost' takes no labels (labels are for the service-side metrics)"],
  ])('refuses %s at column %i', (text, column, reason) => {
    expect(parseSloExpression(text)).toMatchObject({ ok: false, column, reason });
  });
});
