import { execFile } from 'node:child_process';
import { FaultlineError } from '../errors.ts';

/** The oldest k6 faultline runs: its JSON output and --summary-export are the shapes read here. */
export const OLDEST_K6 = '0.48.0';

const INSTALL_HINT = `install k6 v${OLDEST_K6} or newer (see "Install k6" in the Grafana k6 documentation), then put it on PATH or name it with --k6 PATH or K6_BIN`;

/** The k6 to run: `--k6 PATH`, else env K6_BIN, else `k6` on PATH. */
export function k6Binary(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option || env.K6_BIN || 'k6';
}

/** `k6 v0.49.0 (go1.21.6, linux/amd64)` → `0.49.0`; undefined when the line is not k6's. */
export function parseK6Version(output: string): string | undefined {
  return /\bk6 v(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** Negative, 0 or positive as version a is older than, the same as or newer than b. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x![i] !== y![i]) return (x![i] ?? 0) - (y![i] ?? 0);
  return 0;
}

/**
 * Runs `k6 version` and returns the version, or throws FL_K6_UNAVAILABLE (exit 3) saying how to
 * install k6 when there is none, and naming both versions when it is older than OLDEST_K6.
 */
export async function checkK6(bin: string): Promise<string> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(bin, ['version'], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
        reject(new FaultlineError('FL_K6_UNAVAILABLE', `k6 not found ('${bin}'): ${INSTALL_HINT}`));
      else if (error && typeof (error as NodeJS.ErrnoException).code === 'string')
        reject(new FaultlineError('FL_K6_UNAVAILABLE', `cannot run k6 ('${bin}'): ${error.message}; ${INSTALL_HINT}`));
      else if (error) reject(new FaultlineError('FL_K6_UNAVAILABLE', `'${bin} version' failed: ${(stderr || error.message).trim()}`));
      else resolve(stdout);
    });
  });
  const version = parseK6Version(output);
  if (version === undefined)
    throw new FaultlineError('FL_K6_UNAVAILABLE', `'${bin} version' did not print a k6 version (got ${JSON.stringify(output.trim().slice(0, 200))})`);
  if (compareVersions(version, OLDEST_K6) < 0)
    throw new FaultlineError('FL_K6_UNAVAILABLE', `k6 v${version} ('${bin}') is older than v${OLDEST_K6}, the oldest k6 faultline supports: ${INSTALL_HINT}`);
  return version;
}
