// The proxy soak's target: the embedded Toxiproxy alone in a child process (soak-child.ts),
// four proxies (three HTTP, one raw TCP) to a local upstream, mixed traffic through them and a
// toxic added, updated or removed every 100 ms.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { countFds, readRssBytes } from './proc.ts';
import type { InnerSample } from './soak-child.ts';
import type { SoakTarget, Sample } from './soak-target.ts';
import { ToxicChurn } from './soak-toxics.ts';
import { startUpstream, TrafficDriver } from './soak-traffic.ts';

const MB = 1024 * 1024;

export async function startProxySoak(random: () => number, options: { toxicEveryMs: number; concurrency: number }): Promise<SoakTarget> {
  const child = fork(new URL('./soak-child.ts', import.meta.url), [], {
    execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`the soaked Toxiproxy process exited (${String(signal ?? code)})`);
  });
  exited.catch(() => undefined);
  const [ready] = (await Promise.race([once(child, 'message'), exited])) as [{ api: string }];
  const api = ready.api;
  const upstream = await startUpstream();
  const proxies = ['http_1', 'http_2', 'http_3', 'tcp_echo'];
  const listen: string[] = [];
  for (const name of proxies) {
    const response = await fetch(`${api}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: name.startsWith('http') ? upstream.http : upstream.tcp }),
    });
    listen.push(((await response.json()) as { listen: string }).listen);
  }
  const traffic = new TrafficDriver(listen.slice(0, 3), listen[3]!, random, options.concurrency);
  const churn = new ToxicChurn(api, proxies, random);
  let churning = true;
  let ticking: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One call at a time: a tick that falls while the previous call is still answered is skipped
    // (the API's pace, not a queue growing without bound, sets the rate on a slow machine).
    if (churning && !ticking) ticking = churn.tick().finally(() => (ticking = undefined));
  }, options.toxicEveryMs);

  const inner = async (): Promise<InnerSample> => {
    child.send('sample');
    for (;;) {
      const [message] = (await Promise.race([once(child, 'message'), exited])) as [{ sample?: InnerSample }];
      if (message.sample) return message.sample;
    }
  };

  return {
    name: 'proxy',
    async sample(): Promise<Sample> {
      churning = false;
      await ticking;
      await churn.clear();
      await traffic.pause();
      // Let the server see the last closes before counting what it holds.
      await new Promise((r) => setTimeout(r, 500));
      try {
        const pid = child.pid!;
        const { heapUsedBytes, activeHandles, loopDelayP99Ms } = await inner();
        return { toxiproxy: { rss: readRssBytes(pid) / MB, heap: heapUsedBytes / MB, fds: countFds(pid), handles: activeHandles, loopP99: loopDelayP99Ms } };
      } finally {
        traffic.resume();
        churning = true;
      }
    },
    activity() {
      const t = traffic.stats;
      const c = churn.stats;
      return `${t.requests} requests (${t.failed} failed, ${(t.bytes / MB).toFixed(0)} MB); toxics +${c.added} ~${c.updated} -${c.removed}${c.failed > 0 ? `, ${c.failed} API errors (${c.lastError})` : ''}`;
    },
    async stop() {
      churning = false;
      clearInterval(timer);
      await ticking;
      await traffic.stop();
      await upstream.close();
      if (child.exitCode === null && child.signalCode === null) {
        const gone = once(child, 'exit');
        child.disconnect();
        const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
        await gone;
        clearTimeout(kill);
      }
    },
  };
}
