import { FaultlineError } from '../errors.ts';
import type { ProxyControl, ToxicSpec } from '../faults/context.ts';
import { parsePrometheusText } from '../metrics/parse.ts';
import { ToxiproxyApi, type ProxyState } from './api.ts';
import type { Journal, JournalEntry } from './journal.ts';
import { isNotFound } from './not-found.ts';
import { undoDeadRuns, type UndoOptions } from './undo.ts';
import { toxiproxyVersionNumber } from './version.ts';

export interface SessionOptions {
  /** Journal of changes to an external Toxiproxy; none for the embedded one (it dies with us). */
  journal?: Journal;
  /** The embedded server: shown as `embedded`, and always local. */
  embedded?: boolean;
  /** What to do about it, appended when the server cannot be reached. */
  unreachableHint?: string;
}

const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'];

/**
 * The one way faultline changes a Toxiproxy: the run's stack, every fault driver (through
 * ProxyControl) and `faultline cleanup` go through it. Against an external, possibly shared
 * server every change is journalled here, before it is made, so that a run killed at any point
 * (even by SIGKILL) can be undone exactly; it never calls /reset.
 */
export class ToxiproxySession implements ProxyControl {
  /** Proxies of this run by name: created (deleted at teardown) or adopted (left in place). */
  private readonly proxies = new Map<string, ProxyState>();
  private readonly adopted = new Set<string>();

  private constructor(
    readonly api: ToxiproxyApi,
    /** The server's version number, for the report. */
    readonly version: string,
    private readonly options: SessionOptions,
  ) {}

  /** Reaches the server (`GET /version`); FL_TOXIPROXY_UNREACHABLE when it cannot. */
  static async connect(url: string, options: SessionOptions = {}): Promise<ToxiproxySession> {
    const api = new ToxiproxyApi(url);
    try {
      return new ToxiproxySession(api, toxiproxyVersionNumber(await api.version()), options);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const hint = options.unreachableHint ? `; ${options.unreachableHint}` : '';
      throw new FaultlineError('FL_TOXIPROXY_UNREACHABLE', `Toxiproxy at ${url} is unreachable (${why})${hint}`, { cause: error });
    }
  }

  /** `embedded` or the server's URL, for messages and reports. */
  get label(): string {
    return this.options.embedded ? 'embedded' : this.api.url;
  }

  /** Proxies listen where the services can reach them: loopback for a local Toxiproxy, every
   * interface (reached by the server's host name) for a remote one. */
  private get isLocal(): boolean {
    return this.options.embedded === true || loopback.includes(new URL(this.api.url).hostname);
  }

  /** The URL a caller reaches a proxy at. */
  addressOf(proxy: ProxyState): string {
    const port = proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1);
    return `http://${this.isLocal ? '127.0.0.1' : new URL(this.api.url).hostname}:${port}`;
  }

  /** Creates the proxy on a free port, replacing a stale one of the same name (a dead run's). */
  async populate(name: string, upstream: string): Promise<ProxyState> {
    this.note((entry) => entry.proxies.push(name));
    const listen = `${this.isLocal ? '127.0.0.1' : '0.0.0.0'}:0`;
    const created = await this.api.populate([{ name, listen, upstream, enabled: true }]);
    const proxy = created.find((p) => p.name === name) ?? (await this.api.getProxy(name));
    this.proxies.set(name, proxy);
    return proxy;
  }

  /** Takes an existing proxy as it is (an external caller is wired to it); undefined when it
   * does not exist. Adopted proxies are never replaced or deleted. */
  async adopt(name: string): Promise<ProxyState | undefined> {
    try {
      const proxy = await this.api.getProxy(name);
      this.proxies.set(name, proxy);
      this.adopted.add(name);
      return proxy;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The run's proxy of that name, as last seen. */
  proxy(name: string): ProxyState {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new FaultlineError('FL_FAULT_APPLY', `no proxy named ${name} in this run`);
    return proxy;
  }

  async addToxic(proxy: string, toxic: ToxicSpec): Promise<void> {
    this.proxy(proxy);
    // Journal first: if we die between the two, undo tries a removal that finds nothing.
    this.note((entry) => entry.toxics.push({ proxy, name: toxic.name }));
    await this.api.addToxic(proxy, toxic);
  }

  async removeToxic(proxy: string, toxic: string): Promise<boolean> {
    this.proxy(proxy);
    const found = await this.api.deleteToxic(proxy, toxic).then(
      () => true,
      (error: unknown) => {
        if (isNotFound(error)) return false;
        throw error;
      },
    );
    this.note((entry) => (entry.toxics = entry.toxics.filter((t) => !(t.proxy === proxy && t.name === toxic))));
    return found;
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const current = this.proxy(name);
    // Disabling is journalled before it is done, enabling once it is done: a crash in between
    // leaves at worst an extra "enable" for undo.
    if (!enabled) this.note((entry) => entry.disabled.push(name));
    const updated = await this.api.updateProxy(name, { enabled, listen: current.listen, upstream: current.upstream });
    this.proxies.set(name, updated);
    if (enabled) this.note((entry) => (entry.disabled = entry.disabled.filter((p) => p !== name)));
  }

  async appliedConnections(proxy: string, toxic: string): Promise<number | undefined> {
    try {
      const sample = parsePrometheusText(await this.api.metrics()).find(
        (s) => s.name === 'toxiproxy_toxic_applied_connections_total' && s.labels.proxy === proxy && s.labels.toxic === toxic,
      );
      return sample?.value;
    } catch {
      // A real Toxiproxy has no such series (or no /metrics): the evidence stays unknown and
      // analysis falls back to the callers' attempt counters.
      return undefined;
    }
  }

  /**
   * Fails (FL_USAGE, before anything is created) unless the server has every extension toxic
   * named: faultline's own server does, a real Toxiproxy has none. `why` says what needs each.
   */
  async requireExtensionToxics(needed: ReadonlyMap<string, string>): Promise<void> {
    if (needed.size === 0) return;
    let offered: string[];
    try {
      offered = await this.api.extensionToxics();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      offered = [];
    }
    const missing = [...needed].filter(([type]) => !offered.includes(type));
    if (missing.length === 0) return;
    const what = missing.map(([type, why]) => `${why} needs the '${type}' toxic`).join('; ');
    throw new FaultlineError(
      'FL_USAGE',
      `${what}: an extension of faultline's embedded Toxiproxy, which the Toxiproxy at ${this.api.url} does not have (a real Toxiproxy is TCP-only). Drop --toxiproxy to run on the embedded one, or, for a faultline-aware callee, write the fault with 'service:' (its admin hook) instead of 'link:'`,
    );
  }

  /** Deletes every proxy this run created (adopted ones stay); a proxy already gone is fine.
   * Returns problems met (empty = clean). */
  async deleteCreatedProxies(): Promise<string[]> {
    const problems: string[] = [];
    for (const name of this.proxies.keys()) {
      if (this.adopted.has(name)) continue;
      try {
        await this.api.deleteProxy(name);
      } catch (error) {
        if (!isNotFound(error)) {
          problems.push(`delete proxy ${name}: ${String(error)}`);
          continue;
        }
      }
      this.proxies.delete(name);
      this.note((entry) => (entry.proxies = entry.proxies.filter((p) => p !== name)));
    }
    return problems;
  }

  /** Undoes what dead runs left in this server, as the journal lists it (see undo.ts). */
  undoDeadRuns(options: UndoOptions = {}): Promise<{ undone: string[]; problems: string[] }> {
    if (!this.options.journal) return Promise.resolve({ undone: [], problems: [] });
    return undoDeadRuns(this.api, this.options.journal, options);
  }

  /** The one place a change is journalled (nothing to do for the embedded server). */
  private note(change: (entry: JournalEntry) => void): void {
    this.options.journal?.update(change);
  }
}
