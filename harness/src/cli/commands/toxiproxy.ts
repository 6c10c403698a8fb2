import { once } from 'node:events';
import { startToxiproxy } from '../../toxiproxy/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, parseNumberOption } from '../options.ts';
import { ExitCode } from '../exit-code.ts';

const usage = `Usage: faultline toxiproxy [--host 127.0.0.1] [--port 8474] [--seed N] [--config FILE] [--allow-host NAME]...

Runs faultline's embedded Toxiproxy-compatible server alone: a drop-in for toxiproxy-server that
toxiproxy-node-client, toxiproxy-cli or curl can drive. Stays up until SIGINT/SIGTERM.

Options:
  --host <ip>       interface of the admin API (default 127.0.0.1)
  --port <n>        port of the admin API (default 8474; 0 picks a free one)
  --seed <n>        seed of every random decision: toxicity, jitter, slicer (default: random, printed)
  --config <file>   JSON array of proxies (Toxiproxy's -config / /populate format) created at start
  --allow-host <n>  a host name clients may use besides localhost, 127.x, [::1] and the bound
                    address, e.g. the service name in a container network (repeatable, or
                    comma-separated); other Host headers get 403 (DNS-rebinding guard)`;

export const toxiproxyCommand: Command = {
  name: 'toxiproxy',
  summary: 'run the embedded Toxiproxy-compatible server alone',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(
      ctx.argv,
      {
        host: { type: 'string' },
        port: { type: 'string' },
        seed: { type: 'string' },
        config: { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
      },
      usage,
      false,
    );
    const port = parseNumberOption(values.port, '--port', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port (0-65535)');
    const seed = parseNumberOption(values.seed, '--seed', Number.isSafeInteger, 'an integer');
    const allowedHosts = (values['allow-host'] ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    const server = await startToxiproxy({ host: values.host, port, seed, configFile: values.config, allowedHosts });
    ctx.stdout.write(`faultline toxiproxy listening on ${server.url} (seed ${server.seed})\n`);
    try {
      if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
    } finally {
      await server.close();
    }
    return ExitCode.Ok;
  },
};
