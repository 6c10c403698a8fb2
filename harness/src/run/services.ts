import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedBroker } from '../broker/embedded.ts';
import { FaultlineError } from '../errors.ts';
import { brokerOf } from '../topology/broker.ts';
import { acceptsConnections, launchService, type RunningService } from '../topology/launch.ts';
import type { ServiceExit } from '../model/events.ts';
import { isTcpService, type ManagedService, type Topology, type TopologyService } from '../topology/model.ts';

export interface ServiceSetOptions {
  profile: string;
  seed: number;
  signal?: AbortSignal;
  onOutput?: (service: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** A managed service exited while the run still needed it (not stopped by a fault or teardown). */
  onExit?: (exit: ServiceExit) => void;
}

/**
 * The services of one run: starts managed ones (healthy before `start` resolves: launchService
 * waits for the health route or ready line) and embedded ones (the broker, in this process),
 * knows every service's direct URL, and can stop, kill and relaunch managed ones on their
 * previous port (process faults).
 */
export class ServiceSet {
  private readonly running = new Map<string, RunningService>();
  private readonly ports = new Map<string, number>();
  private stoppingAll = false;
  private readonly envs = new Map<string, Record<string, string>>();
  private readonly urls = new Map<string, string>();
  private readonly embedded = new Map<string, EmbeddedBroker>();
  /** The run's folder for the services' durable state (FAULTLINE_STATE_DIR), made on first need. */
  private stateDir: string | undefined;

  constructor(
    private readonly topology: Topology,
    private readonly options: ServiceSetOptions,
  ) {}

  /** Starts a service with `callees` (its `<CALLEE>_URL` variables, pointing at proxies); an
   * external one is only noted with its URL. */
  async start(service: TopologyService, callees: Record<string, string>): Promise<void> {
    if (this.options.signal?.aborted) throw new FaultlineError('FL_INTERRUPTED', 'interrupted while starting the system');
    this.envs.set(service.name, {
      HOST: '127.0.0.1',
      FAULTLINE_PROFILE: this.options.profile,
      FAULTLINE_SEED: String(this.options.seed),
      ...this.durableState(service),
      ...callees,
    });
    if (service.kind === 'managed') {
      await this.launch(service, undefined);
      return;
    }
    if (service.kind === 'embedded') {
      const broker = await EmbeddedBroker.start({ host: '127.0.0.1', port: 0 });
      this.embedded.set(service.name, broker);
      this.urls.set(service.name, broker.url);
      return;
    }
    // A TCP dependency the caller will connect to must be there: checked now, before its
    // callers start (an HTTP one is the caller's business, as it is in production).
    if (isTcpService(service) && !(await acceptsConnections(service.url, 3000))) {
      const { host } = new URL(service.url);
      throw new FaultlineError('FL_SERVICE_START', `TCP service ${service.name} at ${host} accepts no connection: is it running?`);
    }
    this.urls.set(service.name, service.url.replace(/\/$/, ''));
  }

  /** Direct base URL of a service (not through a proxy). */
  url(name: string): string | undefined {
    return this.urls.get(name);
  }

  service(name: string): RunningService | undefined {
    return this.running.get(name);
  }

  /** The embedded broker of that name, once started (undefined for any other service). */
  embeddedBroker(name: string): EmbeddedBroker | undefined {
    return this.embedded.get(name);
  }

  relaunch(name: string): Promise<RunningService> {
    return this.launch(this.managed(name), this.ports.get(name));
  }

  async stop(name: string, how: 'kill' | 'graceful'): Promise<void> {
    this.managed(name); // an external service is not ours to stop: say so instead of doing nothing
    const service = this.running.get(name);
    this.running.delete(name);
    if (!service) return;
    await (how === 'kill' ? service.kill() : service.stop(5000));
  }

  /** Stops every running service in parallel with a short grace: the whole cleanup must fit
   * well inside the 7.5 s CI gives between SIGINT and SIGKILL. Returns problems met. */
  async stopAll(): Promise<string[]> {
    const problems: string[] = [];
    this.stoppingAll = true;
    await Promise.all([...this.running.values()].map((s) => s.stop(2000).catch((e: unknown) => problems.push(`stop ${s.name}: ${String(e)}`))));
    this.running.clear();
    // After the services: they disconnect from a broker that is still there.
    for (const [name, broker] of this.embedded) await broker.close().catch((e: unknown) => problems.push(`close embedded broker ${name}: ${String(e)}`));
    this.embedded.clear();
    if (this.stateDir) rmSync(this.stateDir, { recursive: true, force: true });
    this.stateDir = undefined;
    return problems;
  }

  /**
   * With a broker, a faultline-aware service keeps its messaging journal (outbox, handled message
   * ids) in a folder of this run, so that after a crash it resumes where it was, as a real
   * consumer would: a redelivered message is then known, not handled twice. Each run starts empty.
   */
  private durableState(service: TopologyService): Record<string, string> {
    if (service.kind !== 'managed' || !service.faultlineAware || !brokerOf(this.topology)) return {};
    this.stateDir ??= mkdtempSync(join(tmpdir(), 'faultline-state-'));
    return { FAULTLINE_STATE_DIR: this.stateDir };
  }

  /** Starts a managed service on `port` (undefined: a free one; a relaunch: its previous one). */
  private async launch(service: ManagedService, port: number | undefined): Promise<RunningService> {
    const started = await launchService({
      service,
      env: this.envs.get(service.name)!,
      port,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      onOutput: (line, stream) => this.options.onOutput?.(service.name, line, stream),
    });
    this.running.set(service.name, started);
    this.urls.set(service.name, started.url);
    this.ports.set(service.name, Number(new URL(started.url).port));
    void started.exited.then(({ code, signal }) => {
      // Still the running instance: nobody stopped it (stop() forgets it first), so it died.
      if (this.running.get(service.name) !== started || this.stoppingAll) return;
      this.running.delete(service.name);
      this.options.onExit?.({ service: service.name, code, signal, lastLines: started.lastLines() });
    });
    return started;
  }

  private managed(name: string): ManagedService {
    const service = this.topology.services.find((s) => s.name === name);
    if (service?.kind !== 'managed') throw new FaultlineError('FL_FAULT_APPLY', `service ${name} is not started by faultline`);
    return service;
  }
}
