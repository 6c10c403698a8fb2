/* global process, performance, URL, AbortController, AbortSignal, setTimeout, clearTimeout */
/**
 * A stand-in for k6, for faultline's tests: k6 is not in our package registries, so CI cannot
 * install it. It is NOT k6 and runs no JavaScript. It speaks the subset of k6's command line and
 * output that `faultline run --load k6` uses (docs/k6.md, "The stand-in k6"):
 *
 *   k6 version                      `k6 v0.49.0 (go1.21.6, linux/amd64)`; env K6_STAND_IN_VERSION overrides the version
 *   k6 inspect script.js            the script's options as JSON (scenarios, thresholds), or exit 107 as `run` would
 *   k6 run [flags] script.js        flags: --out json=FILE (-o), --summary-export FILE, -e/--env K=V, -q/--quiet,
 *                                   --no-usage-report, --no-color
 *
 * `run` checks the script's syntax (esbuild, an ES module parse, as k6 would reject it: exit 107
 * ScriptException with the message on stderr), then reads the load from the one-line JSON comment
 * `// faultline-stand-in-load: {…}` that `faultline k6 export` writes (a script without one is
 * rejected the same way: this stand-in cannot run other scripts). It does what the exported
 * script's setup() does (wait until FAULTLINE_START_EPOCH_MS), then sends real HTTP requests with
 * undici to BASE_URL at the planned arrival rate (constant- or ramping-arrival-rate, at most
 * maxVUs in flight, the rest counted in dropped_iterations), writing k6's JSON records (the shapes
 * of k6's output/json: Metric records once per metric, then Points) as they happen, one write per
 * line. At the end it writes the --summary-export file and exits 99 when a threshold failed.
 * SIGINT/SIGTERM: stops sending, abandons requests in flight, writes the summary and exits 105
 * (k6's ExternalAbort), as k6 does.
 */
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { Pool } from 'undici';

// k6's exit codes (errext/exitcodes/codes.go).
const EXIT = { thresholdsFailed: 99, invalidConfig: 104, externalAbort: 105, scriptException: 107, usage: 255 };
const MARKER = 'faultline-stand-in-load:';
const version = process.env.K6_STAND_IN_VERSION ?? '0.49.0';

/** k6's logrus line on stderr. */
function logError(message) {
  process.stderr.write(`time="${new Date().toISOString()}" level=error msg=${JSON.stringify(message)}\n`);
}

function fail(code, message) {
  logError(message);
  process.exit(code);
}

/** The parts of `k6 run`'s arguments this stand-in understands. */
function parseRunArgs(args) {
  const options = { out: undefined, summaryExport: undefined, env: {}, script: undefined };
  const value = (i, flag) => {
    if (args[i + 1] === undefined) fail(EXIT.usage, `flag needs an argument: ${flag}`);
    return args[i + 1];
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] =
      args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i]];
    const take = () => inline ?? value(i++, flag);
    if (flag === '--out' || flag === '-o') {
      const out = take();
      if (!out.startsWith('json=')) fail(EXIT.usage, `the stand-in k6 writes only --out json=FILE, got ${out}`);
      options.out = out.slice('json='.length);
    } else if (flag === '--summary-export') options.summaryExport = take();
    else if (flag === '-e' || flag === '--env') {
      const pair = take();
      const eq = pair.indexOf('=');
      if (eq <= 0) fail(EXIT.usage, `invalid env ${pair}: expected KEY=VALUE`);
      options.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (['-q', '--quiet', '--no-usage-report', '--no-color'].includes(flag)) continue;
    else if (flag.startsWith('-')) fail(EXIT.usage, `unknown flag: ${flag}`);
    else if (options.script === undefined) options.script = flag;
    else fail(EXIT.usage, `accepts 1 arg(s), received ${args.length}`);
  }
  if (options.script === undefined) fail(EXIT.usage, 'accepts 1 arg(s), received 0');
  return options;
}

/** The load of an exported script, or exit 107 with a k6-like message. */
function readLoad(file) {
  if (!existsSync(file)) fail(EXIT.scriptException, `The moduleSpecifier "${file}" couldn't be found on local disk.`);
  const text = readFileSync(file, 'utf8');
  try {
    transformSync(text, { loader: 'js', format: 'esm', sourcefile: file });
  } catch (error) {
    const first = error.errors?.[0];
    const where = first?.location ? ` (${first.location.line}:${first.location.column})` : '';
    fail(EXIT.scriptException, `SyntaxError: file://${file}: ${first?.text ?? error.message}${where}`);
  }
  const line = text.split('\n').find((l) => l.startsWith(`// ${MARKER}`));
  if (!line) fail(EXIT.scriptException, `file://${file}: the stand-in k6 runs only scripts from 'faultline k6 export' (no '// ${MARKER}' line)`);
  return JSON.parse(line.slice(`// ${MARKER}`.length));
}

const durationMs = (text) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) fail(EXIT.invalidConfig, `invalid duration ${JSON.stringify(text)}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]];
};

/** The arrival-rate executor as stages of requests/ms, ramping linearly from the previous target. */
function stagesOf(scenario) {
  const perMs = 1 / durationMs(scenario.timeUnit);
  if (scenario.executor === 'constant-arrival-rate') {
    const rate = scenario.rate * perMs;
    return [{ from: rate, to: rate, ms: durationMs(scenario.duration) }];
  }
  if (scenario.executor !== 'ramping-arrival-rate') fail(EXIT.invalidConfig, `executor ${scenario.executor} is not one the stand-in k6 runs`);
  let from = scenario.startRate * perMs;
  return scenario.stages.map((stage) => {
    const out = { from, to: stage.target * perMs, ms: durationMs(stage.duration) };
    from = out.to;
    return out;
  });
}

/** Arrival times (ms since the start) where the integral of the rate reaches 0, 1, 2, … */
function arrivalTimes(stages) {
  const times = [];
  let startMs = 0;
  let before = 0; // arrivals accumulated before this stage, as a real number
  for (const { from, to, ms } of stages) {
    const slope = ms > 0 ? (to - from) / ms : 0;
    const total = ((from + to) / 2) * ms;
    for (let n = Math.ceil(before - 1e-9); n < before + total - 1e-9; n++) {
      const needed = n - before;
      const root = Math.sqrt(Math.max(0, from * from + 2 * slope * needed));
      times.push(startMs + (needed === 0 ? 0 : (2 * needed) / (from + root)));
    }
    startMs += ms;
    before += total;
  }
  return { times, totalMs: startMs };
}

/** k6 writes Go's RFC 3339 with up to nanoseconds; here microseconds from the high-resolution clock. */
function goTime(epochMs) {
  const whole = Math.floor(epochMs);
  const micros = Math.floor((epochMs - whole) * 1000);
  return new Date(whole).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}
const nowEpochMs = () => performance.timeOrigin + performance.now();

/** k6's JSON output (output/json): a Metric record the first time a metric appears, then its Points. */
class JsonOutput {
  #fd;
  #declared = new Set();
  constructor(file, thresholds) {
    this.#fd = file === undefined ? undefined : openSync(file, 'w');
    this.thresholds = thresholds;
  }
  point(metric, type, contains, epochMs, value, tags) {
    if (this.#fd === undefined) return;
    if (!this.#declared.has(metric)) {
      this.#declared.add(metric);
      const data = { name: metric, type, contains, thresholds: this.thresholds[metric] ?? [], submetrics: null };
      this.#write({ type: 'Metric', data, metric });
    }
    this.#write({ metric, type: 'Point', data: { time: goTime(epochMs), value, tags } });
  }
  #write(record) {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
  }
  close() {
    if (this.#fd !== undefined) closeSync(this.#fd);
  }
}

/** undici's error as k6's error_code and error tag (k6 lib/netext/httpext/error_codes.go). */
function k6Error(error) {
  for (let e = error, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return [1050, 'request timeout'];
    if (e.code === 'ECONNREFUSED') return [1212, 'dial: connection refused'];
    if (e.code === 'UND_ERR_CONNECT_TIMEOUT') return [1211, 'dial: i/o timeout'];
    if (e.code === 'ECONNRESET') return [1220, 'read: connection reset by peer'];
    if (e.code === 'EPIPE') return [1201, 'write: broken pipe'];
  }
  // Go's net/http says EOF when the server closes the connection without answering.
  return [1000, 'EOF'];
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (rank - low);
}

/** The numbers thresholds and the summary read, per metric and aggregation. */
function aggregates(stats, elapsedS) {
  const sorted = [...stats.durations].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  const trend = (name) => {
    if (name === 'avg') return sorted.length ? sum / sorted.length : 0;
    if (name === 'min') return sorted[0] ?? 0;
    if (name === 'max') return sorted.at(-1) ?? 0;
    if (name === 'med') return percentile(sorted, 50);
    const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
    return match ? percentile(sorted, Number(match[1])) : undefined;
  };
  const counter = (count) => (name) => (name === 'count' ? count : name === 'rate' ? count / elapsedS : undefined);
  return {
    http_req_duration: trend,
    http_req_failed: (name) => (name === 'rate' ? (stats.requests ? stats.failed / stats.requests : 0) : undefined),
    http_reqs: counter(stats.requests),
    iterations: counter(stats.requests),
    dropped_iterations: counter(stats.dropped),
  };
}

const compare = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

function parseThreshold(metric, expression) {
  const match = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expression);
  if (!match) fail(EXIT.invalidConfig, `invalid threshold ${JSON.stringify(expression)} on ${metric}`);
  return { aggregation: match[1], op: match[2], value: Number(match[3]) };
}

/** Every threshold's outcome: `true` when it FAILED, as --summary-export writes it. */
function evaluateThresholds(thresholds, values) {
  const outcome = {};
  for (const [metric, expressions] of Object.entries(thresholds)) {
    outcome[metric] = {};
    for (const expression of expressions) {
      const { aggregation, op, value } = parseThreshold(metric, expression);
      const actual = values[metric]?.(aggregation);
      outcome[metric][expression] = actual === undefined || !compare[op](actual, value);
    }
  }
  return outcome;
}

function summaryExport(stats, elapsedMs, thresholdOutcome) {
  const values = aggregates(stats, elapsedMs / 1000);
  const withThresholds = (metric, body) => (thresholdOutcome[metric] ? { ...body, thresholds: thresholdOutcome[metric] } : body);
  const trend = values.http_req_duration;
  const metrics = {
    http_req_duration: withThresholds('http_req_duration', {
      avg: trend('avg'),
      min: trend('min'),
      med: trend('med'),
      max: trend('max'),
      'p(90)': trend('p(90)'),
      'p(95)': trend('p(95)'),
    }),
    http_req_failed: withThresholds('http_req_failed', { passes: stats.failed, fails: stats.requests - stats.failed, value: values.http_req_failed('rate') }),
    http_reqs: withThresholds('http_reqs', { count: stats.requests, rate: values.http_reqs('rate') }),
    iterations: { count: stats.requests, rate: values.iterations('rate') },
  };
  // k6 omits a counter that never counted.
  if (stats.dropped > 0) metrics.dropped_iterations = withThresholds('dropped_iterations', { count: stats.dropped, rate: values.dropped_iterations('rate') });
  if (stats.requests === 0) for (const name of ['http_req_duration', 'http_req_failed', 'http_reqs']) delete metrics[name];
  return {
    root_group: { name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e', groups: {}, checks: {} },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: elapsedMs },
    metrics,
  };
}

async function run(args) {
  const options = parseRunArgs(args);
  const load = readLoad(options.script);
  const env = { ...process.env, ...options.env };
  const baseUrl = (env.BASE_URL || load.request.defaultBaseUrl).replace(/\/+$/, '');
  for (const [metric, expressions] of Object.entries(load.thresholds)) for (const e of expressions) parseThreshold(metric, e);
  const { times, totalMs } = arrivalTimes(stagesOf(load.scenario));
  const url = new URL(baseUrl + load.request.path);
  const pool = new Pool(url.origin, { connections: load.scenario.maxVUs, pipelining: 1 });
  const output = new JsonOutput(options.out, load.thresholds);
  const stats = { requests: 0, failed: 0, dropped: 0, durations: [] };
  const success = new Set(load.request.successStatuses ?? Array.from({ length: 200 }, (_, i) => 200 + i));
  const scenarioTags = { group: '', scenario: 'faultline' };
  const stop = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(EXIT.externalAbort); // a second signal: k6 stops at once
    interrupted = true;
    logError('Stopping k6 in response to signal...');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // What the exported script's setup() does: the load starts at faultline's t = 0.
  const startAt = Number(env.FAULTLINE_START_EPOCH_MS || 0);
  if (startAt > nowEpochMs()) await sleep(startAt - nowEpochMs(), stop.signal);
  const origin = nowEpochMs();
  let inFlight = 0;
  const pending = new Set();

  const send = async (seq) => {
    const sentAt = nowEpochMs();
    const tags = { ...load.request.tags, ...scenarioTags, method: load.request.method, proto: 'HTTP/1.1', url: url.href };
    let status = 0;
    let error;
    try {
      const response = await pool.request({
        path: url.pathname + url.search,
        method: load.request.method,
        headers: load.request.headers,
        body: load.request.body === undefined ? null : renderBody(load.request.body, seq),
        signal: AbortSignal.any([stop.signal, AbortSignal.timeout(load.request.timeoutMs)]),
        headersTimeout: load.request.timeoutMs,
        bodyTimeout: load.request.timeoutMs,
      });
      await response.body.dump();
      status = response.statusCode;
    } catch (caught) {
      if (stop.signal.aborted) return; // abandoned by a signal: k6 does not report it either
      error = k6Error(caught);
    }
    const endAt = nowEpochMs();
    const expected = status !== 0 && success.has(status);
    tags.status = String(status);
    tags.expected_response = String(expected);
    if (error) [tags.error_code, tags.error] = [String(error[0]), error[1]];
    const duration = endAt - sentAt;
    stats.requests++;
    if (!expected) stats.failed++;
    stats.durations.push(duration);
    output.point('http_reqs', 'counter', 'default', endAt, 1, tags);
    output.point('http_req_duration', 'trend', 'time', endAt, duration, tags);
    output.point('http_req_failed', 'rate', 'default', endAt, expected ? 0 : 1, tags);
    output.point('iterations', 'counter', 'default', endAt, 1, scenarioTags);
    output.point('iteration_duration', 'trend', 'time', endAt, duration, scenarioTags);
  };

  for (let seq = 0; seq < times.length && !stop.signal.aborted; seq++) {
    const wait = origin + times[seq] - nowEpochMs();
    if (wait > 1) await sleep(wait, stop.signal);
    if (stop.signal.aborted) break;
    if (inFlight >= load.scenario.maxVUs) {
      stats.dropped++;
      output.point('dropped_iterations', 'counter', 'default', nowEpochMs(), 1, { scenario: 'faultline' });
      continue;
    }
    inFlight++;
    const request = send(seq).finally(() => {
      inFlight--;
      pending.delete(request);
    });
    pending.add(request);
  }
  if (!stop.signal.aborted) await sleep(Math.max(0, origin + totalMs - nowEpochMs()), stop.signal);
  await Promise.all(pending);
  const elapsedMs = nowEpochMs() - origin;
  output.close();
  await pool.destroy();
  const thresholdOutcome = evaluateThresholds(load.thresholds, aggregates(stats, elapsedMs / 1000));
  if (options.summaryExport) writeFileSync(options.summaryExport, `${JSON.stringify(summaryExport(stats, elapsedMs, thresholdOutcome), null, 2)}\n`);
  process.stdout.write(`     http_reqs......................: ${stats.requests}\n     dropped_iterations.............: ${stats.dropped}\n`);
  if (interrupted) process.exit(EXIT.externalAbort);
  const crossed = Object.entries(thresholdOutcome)
    .filter(([, outcomes]) => Object.values(outcomes).some(Boolean))
    .map(([metric]) => metric);
  if (crossed.length > 0) fail(EXIT.thresholdsFailed, `thresholds on metrics '${crossed.join(', ')}' have been crossed`);
  process.exit(0);
}

/** The exported body placeholders (docs/k6.md): {{seq}}, {{cycle:N}}, {{rand}}. */
function renderBody(body, seq) {
  return JSON.stringify(body).replace(/\{\{(seq|rand|cycle:(\d+))\}\}/g, (_, kind, period) =>
    kind === 'seq' ? String(seq) : kind === 'rand' ? String(Math.floor(Math.random() * 4294967296)) : String(1 + (seq % Math.max(1, Number(period)))),
  );
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'version' || command === '--version') process.stdout.write(`k6 v${version} (go1.21.6, linux/amd64)\n`);
else if (command === 'run') await run(rest);
else if (command === 'inspect') {
  if (rest.length !== 1) fail(EXIT.usage, `accepts 1 arg(s), received ${rest.length}`);
  const load = readLoad(rest[0]);
  process.stdout.write(`${JSON.stringify({ scenarios: { faultline: load.scenario }, thresholds: load.thresholds }, null, 2)}\n`);
} else fail(EXIT.usage, `unknown command "${command ?? ''}" for "k6" (the stand-in speaks version, inspect and run)`);
