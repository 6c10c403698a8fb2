/**
 * Runs an exported k6 script in Node with stand-ins for k6's modules, so tests can read its
 * `options` and see the request one iteration makes. Only the two imports the exporter writes
 * are replaced; anything else in the script runs as written.
 */
export interface LoadedScript {
  options: { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, string[]> };
  /** Runs the default function as iteration `seq` and returns http.request's arguments. */
  iterate(seq: number): { method: string; url: string; body: string | null; params: Record<string, unknown> };
}

export function loadScript(text: string, env: Record<string, string> = {}): LoadedScript {
  const imports = /^import .* from 'k6(\/[a-z]+)?';$/gm;
  if ((text.match(imports) ?? []).length !== 3) throw new Error('expected exactly the k6, k6/http and k6/execution imports');
  const source = text
    .replace(imports, '')
    .replace('export const options', 'const options')
    .replace('export default function ()', 'function iteration()')
    .replace('export function setup()', 'function setup()');
  const calls: unknown[][] = [];
  const http = {
    request: (...args: unknown[]) => calls.push(args),
    expectedStatuses: (...statuses: unknown[]) => ({ expectedStatuses: statuses }),
  };
  const exec = { scenario: { iterationInTest: 0 } };
  const sleep = () => undefined;
  const factory = new Function('http', 'exec', 'sleep', '__ENV', `${source}\nreturn { options, iteration };`) as (
    h: typeof http,
    e: typeof exec,
    s: typeof sleep,
    env: Record<string, string>,
  ) => { options: LoadedScript['options']; iteration: () => void };
  const { options, iteration } = factory(http, exec, sleep, env);
  return {
    options,
    iterate(seq) {
      exec.scenario.iterationInTest = seq;
      iteration();
      const [method, url, body, params] = calls.at(-1)!;
      return { method: method as string, url: url as string, body: body as string | null, params: params as Record<string, unknown> };
    },
  };
}
