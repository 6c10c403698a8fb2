import { parseArgs } from 'node:util';
import { type FuzzReport, fuzzTargets, runTarget } from './targets.ts';

/**
 * `npm run fuzz [-- --runs N] [--seed S] [--target NAME] [--path P]`: every target (or one),
 * 10,000 inputs each by default, from a random seed unless one is given. On a failure it prints
 * the shrunk counterexample and the command that replays it, and exits 1.
 */
const usage = `Usage: npm run fuzz -- [--runs N] [--seed S] [--target ${fuzzTargets.map((t) => t.name).join('|')}] [--path P]`;

function main(): Promise<number> | number {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string' }, path: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const runs = values.runs === undefined ? 10_000 : Number(values.runs);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
    process.stderr.write(`--runs and --seed take integers\n${usage}\n`);
    return 2;
  }
  const targets = values.target === undefined ? fuzzTargets : fuzzTargets.filter((t) => t.name === values.target);
  if (targets.length === 0) {
    process.stderr.write(`unknown target '${values.target}'\n${usage}\n`);
    return 2;
  }
  return runAll(targets, runs, seed, values.path);
}

function line(report: FuzzReport): string {
  const { target, runs, maxMsPerInput, kinds, heapGrowthMb, elapsedMs } = report;
  return `${report.failure ? 'FAIL' : 'ok  '} ${target.padEnd(14)} ${runs} inputs (${kinds.result} results, ${kinds['input-error']} input errors) in ${(elapsedMs / 1000).toFixed(1)} s; slowest input ${maxMsPerInput} ms; heap ${heapGrowthMb >= 0 ? '+' : ''}${heapGrowthMb} MB`;
}

async function runAll(targets: typeof fuzzTargets, runs: number, seed: number, path: string | undefined): Promise<number> {
  process.stdout.write(`fuzzing with seed ${seed}, ${runs} inputs per target\n`);
  let failed = false;
  for (const target of targets) {
    const report = await runTarget(target, { runs, seed, ...(path ? { path } : {}) });
    process.stdout.write(`${line(report)}\n`);
    if (report.failure) {
      failed = true;
      process.stdout.write(`\n${report.failure.message}\n\nshrunk counterexample:\n  ${report.failure.counterexample}\n`);
      process.stdout.write(`replay:\n  npm run fuzz -- --target ${target.name} --seed ${seed} --path ${report.failure.path} --runs ${runs}\n\n`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
