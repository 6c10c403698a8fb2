import { parseArgs } from 'node:util';
import { FaultlineError } from '../../errors.ts';
import { adminSecretEnv, minAdminSecretLength } from '../../topology/admin-secret.ts';
import { launchService, type RunningService } from '../../topology/launch.ts';
import { calleeEnvName } from '../../topology/model.ts';
import { sampleService } from '../../topology/taxi.ts';
import type { Command, CommandContext } from '../command.ts';
import { ExitCode } from '../exit-code.ts';

const profiles = ['naive', 'timeouts', 'retries', 'resilient'];

/** The sample app's services in start waves (callees first; a wave starts in parallel). */
const sampleApp: ReadonlyArray<ReadonlyArray<{ name: string; calls: readonly string[] }>> = [
  [
    { name: 'passenger', calls: [] },
    { name: 'dispatch', calls: [] },
    { name: 'notification', calls: [] },
  ],
  [{ name: 'trip', calls: ['passenger', 'dispatch', 'notification'] }],
  [{ name: 'gateway', calls: ['trip'] }],
];

async function run(ctx: CommandContext): Promise<ExitCode> {
  let values;
  try {
    ({ values } = parseArgs({
      args: ctx.argv,
      options: { profile: { type: 'string', default: 'resilient' }, seed: { type: 'string', default: '1' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new FaultlineError('FL_USAGE', `${(error as Error).message}\n${servicesCommand.usage}`);
  }
  const profile = values.profile!;
  if (!profiles.includes(profile)) throw new FaultlineError('FL_USAGE', `--profile: expected one of ${profiles.join(', ')}, got '${profile}'`);
  if (!/^\d+$/.test(values.seed!)) throw new FaultlineError('FL_USAGE', `--seed: expected a non-negative integer, got '${values.seed}'`);
  // The fault hook stays off unless the user hands us a secret they chose (and so already know):
  // a secret we drew would have to be printed, into scrollback and CI logs.
  const adminSecret = ctx.env[adminSecretEnv] || undefined;
  if (adminSecret !== undefined && adminSecret.length < minAdminSecretLength) {
    throw new FaultlineError(
      'FL_USAGE',
      `${adminSecretEnv}: expected at least ${minAdminSecretLength} characters (e.g. $(openssl rand -hex 16)), got ${adminSecret.length}`,
    );
  }

  const started: RunningService[] = [];
  const urls = new Map<string, string>();
  try {
    for (const wave of sampleApp) {
      const launched = await Promise.allSettled(
        wave.map(({ name, calls }) => {
          const env: Record<string, string> = { FAULTLINE_PROFILE: profile, FAULTLINE_SEED: values.seed! };
          for (const callee of calls) env[calleeEnvName(callee)] = urls.get(callee)!;
          const onOutput = (line: string, stream: 'stdout' | 'stderr') => void (stream === 'stderr' && ctx.stderr.write(`[${name}] ${line}\n`));
          return launchService({ service: sampleService(name, env), env: {}, signal: ctx.signal, onOutput, adminSecret: adminSecret ?? false });
        }),
      );
      for (const result of launched) if (result.status === 'fulfilled') started.push(result.value);
      const failure = launched.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      for (const service of started.filter((s) => !urls.has(s.name))) {
        urls.set(service.name, service.url);
        ctx.stdout.write(`${service.name} ${service.url}\n`);
      }
    }
    ctx.stderr.write(`profile ${profile}; try: curl -XPOST ${urls.get('gateway')}/trips -d '{"passengerId":"p-1","pickup":{"lat":52.52,"lng":13.4}}'\n`);
    ctx.stderr.write(
      adminSecret
        ? `fault hook on: send your ${adminSecretEnv} as the x-faultline-secret header to /__faultline/fault\n`
        : `fault hook off (set ${adminSecretEnv} to a secret of 16+ characters to turn it on)\n`,
    );
    ctx.stderr.write('Ctrl-C stops all.\n');
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      // If a service dies on its own, say so but keep the others up for poking.
      for (const service of started)
        void service.exited.then((e) => !ctx.signal.aborted && ctx.stderr.write(`${service.name} exited (code ${e.code}, signal ${e.signal})\n`));
    });
    return ExitCode.Ok;
  } finally {
    await Promise.all(started.reverse().map((service) => service.stop()));
  }
}

export const servicesCommand: Command = {
  name: 'services',
  summary: 'start the sample taxi app on free ports and print each service’s address',
  usage: [
    'Usage: faultline services [--profile naive|timeouts|retries|resilient] [--seed N]',
    '',
    'Starts gateway, trip, passenger, dispatch and notification wired directly (no proxies),',
    'prints `name url` one per line, and stays up until Ctrl-C, which stops them all.',
    '  --profile P  policy profile of every service (default resilient)',
    '  --seed N     seed of every random decision (default 1)',
    '',
    "The services' fault hook (/__faultline/fault) is off unless FAULTLINE_ADMIN_SECRET is set",
    '(16+ characters): then every service has it, for requests carrying that value in the',
    'x-faultline-secret header. The secret is never printed.',
  ].join('\n'),
  run,
};
