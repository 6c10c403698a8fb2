// The services soak's target: the five taxi services under the resilient profile (brought up by
// the runner's own stack code, behind the embedded Toxiproxy), trips posted to the gateway, and
// a fault moved to a random link every few seconds. Each service is sampled from outside (/proc:
// RSS, descriptors) and from its /metrics (prom-client's default process metrics: heap, active
// handles, event-loop lag).
import { Agent, fetch } from 'undici';
import { parsePrometheusText } from '../src/metrics/parse.ts';
import { bringUp, type Stack } from '../src/run/stack.ts';
import { proxyName, taxiServiceNames, taxiTopology } from '../src/topology/index.ts';
import { countFds, readRssBytes } from './proc.ts';
import type { Sample, SoakTarget } from './soak-target.ts';
import { randomToxic } from './soak-toxics.ts';

const MB = 1024 * 1024;
const tripBody = (n: number) => JSON.stringify({ passengerId: `p-${n % 20}`, pickup: { lat: 52.52, lng: 13.405 } });

/** The faults cycled on the links: toxics of the catalog's kinds, or the link down. */
const faultTypes = ['latency', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'down'] as const;

/** Longer than the keep-alive timeouts between the services (undici's 4 s, the servers' 5 s): after
 * it the idle pools have closed, and descriptors and handles are counted exactly. */
const idleCloseMs = 5500;

export async function startServicesSoak(random: () => number, options: { faultEveryMs: number; ratePerSec: number }): Promise<SoakTarget> {
  const topology = taxiTopology();
  const stack: Stack = await bringUp({ topology, profile: 'resilient', seed: 1 });
  const links = topology.edges.map(proxyName);
  const gateway = `${stack.serviceUrl('gateway')}/trips`;
  const stats = { trips: 0, failed: 0, faults: 0, faultErrors: 0, lastFaultError: '' };
  let active: { link: string; toxic?: string } | undefined;
  let quiet = false;
  let busy: Promise<void> = Promise.resolve();

  const removeFault = async () => {
    if (!active) return;
    const { link, toxic } = active;
    active = undefined;
    if (toxic) await stack.proxies.removeToxic(link, toxic);
    else await stack.proxies.setEnabled(link, true);
  };
  const moveFault = async () => {
    await removeFault();
    const link = links[Math.floor(random() * links.length)]!;
    const type = faultTypes[Math.floor(random() * faultTypes.length)]!;
    if (type === 'down') {
      await stack.proxies.setEnabled(link, false);
      active = { link };
    } else {
      const toxic = randomToxic(random, `soak_${stats.faults}`, type);
      await stack.proxies.addToxic(link, toxic);
      active = { link, toxic: toxic.name };
    }
    stats.faults++;
  };
  const faultTimer = setInterval(() => {
    if (!quiet)
      busy = busy.then(moveFault).catch((error: unknown) => {
        stats.faultErrors++;
        stats.lastFaultError = String(error);
      });
  }, options.faultEveryMs);

  // Open-model load: a trip every 1/rate s, each with its own deadline, at most 50 in flight.
  let inFlight = 0;
  let sent = 0;
  let agent = new Agent();
  const loadTimer = setInterval(() => {
    if (quiet || inFlight >= 50) return;
    inFlight++;
    fetch(gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tripBody(sent++),
      signal: AbortSignal.timeout(5000),
      dispatcher: agent,
    })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.ok) stats.trips++;
        else stats.failed++;
      })
      .catch(() => stats.failed++)
      .finally(() => inFlight--);
  }, 1000 / options.ratePerSec);

  const scrape = async (name: string): Promise<Record<string, number>> => {
    // A connection of its own, closed after: the scrape must not leave a socket to be counted.
    const text = await (await fetch(`${stack.serviceUrl(name)}/metrics`, { headers: { connection: 'close' } })).text();
    const value = (metric: string) => parsePrometheusText(text).find((s) => s.name === metric)?.value ?? Number.NaN;
    return {
      heap: value('nodejs_heap_size_used_bytes') / MB,
      handles: value('nodejs_active_handles_total'),
      loopP99: value('nodejs_eventloop_lag_p99_seconds') * 1000,
    };
  };

  return {
    name: 'services',
    async sample(): Promise<Sample> {
      quiet = true;
      await busy;
      await removeFault();
      const deadline = performance.now() + 6000;
      while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await agent.destroy();
      agent = new Agent();
      await new Promise((r) => setTimeout(r, idleCloseMs));
      try {
        const sample: Sample = {};
        for (const name of taxiServiceNames) {
          const pid = stack.service(name)!.pid;
          sample[name] = { rss: readRssBytes(pid) / MB, fds: countFds(pid), ...(await scrape(name)) };
        }
        return sample;
      } finally {
        quiet = false;
      }
    },
    activity: () =>
      `${stats.trips} trips (${stats.failed} failed), ${stats.faults} faults cycled${stats.faultErrors > 0 ? `, ${stats.faultErrors} fault errors (${stats.lastFaultError})` : ''}`,
    async stop() {
      quiet = true;
      clearInterval(faultTimer);
      clearInterval(loadTimer);
      await busy.catch(() => undefined);
      const deadline = performance.now() + 6000;
      while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await agent.destroy();
      const problems = await stack.teardown();
      if (problems.length > 0) throw new Error(`services soak teardown: ${problems.join('; ')}`);
    },
  };
}
