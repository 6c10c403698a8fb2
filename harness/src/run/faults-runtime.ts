import { describeFault, faultKindOf, type FaultContext, type FaultSpec } from '../faults/index.ts';
import type { FaultRecord } from '../model/recording.ts';

function targetOf(fault: FaultSpec): string {
  return faultKindOf(fault).target(fault);
}

/**
 * The faults of one run and what happened to each: applies and removes them through their
 * drivers, records times and evidence, and knows which are active so that cleanup can remove
 * exactly those — whatever way the run ends.
 */
export class FaultsRuntime {
  private readonly records = new Map<string, FaultRecord>();
  /** Faults that may hold something in place: cleanup removes these. */
  private readonly active = new Set<string>();
  /** Faults applied and not yet removed: what progress may call active. */
  private readonly inEffect = new Set<string>();
  private readonly byId: Map<string, FaultSpec>;

  constructor(
    faults: readonly FaultSpec[],
    private readonly ctx: FaultContext,
    private readonly elapsedMs: () => number,
    private readonly onChange?: (e: { id: string; label: string; action: 'apply' | 'remove'; atMs: number; error?: string }) => void,
  ) {
    this.byId = new Map(faults.map((f) => [f.id, f]));
    for (const fault of faults) this.records.set(fault.id, { id: fault.id, kind: fault.kind, target: targetOf(fault) });
  }

  label(id: string): string {
    return describeFault(this.byId.get(id)!);
  }

  /** Faults in effect: applied (the `fault on` event already sent) and not yet removed. A fault
   * being applied is not listed, so progress never shows it before its `fault on` line. */
  activeLabels(): string[] {
    return [...this.inEffect].map((id) => this.label(id));
  }

  async apply(id: string): Promise<void> {
    const fault = this.byId.get(id)!;
    const record = this.records.get(id)!;
    // Marked active before the call: if it half-succeeds, cleanup still tries to remove it.
    this.active.add(id);
    try {
      await faultKindOf(fault).apply(fault, this.ctx);
      record.appliedAtMs = this.elapsedMs();
      this.onChange?.({ id, label: this.label(id), action: 'apply', atMs: record.appliedAtMs });
      this.inEffect.add(id);
    } catch (error) {
      record.error = `apply failed: ${error instanceof Error ? error.message : String(error)}`;
      this.onChange?.({ id, label: this.label(id), action: 'apply', atMs: this.elapsedMs(), error: record.error });
    }
  }

  async remove(id: string): Promise<void> {
    if (!this.active.has(id)) return;
    const fault = this.byId.get(id)!;
    const record = this.records.get(id)!;
    try {
      const evidence = await faultKindOf(fault).remove(fault, this.ctx);
      this.active.delete(id);
      this.inEffect.delete(id);
      record.removedAtMs = this.elapsedMs();
      if (evidence.connectionsAffected !== undefined) record.connectionsAffected = evidence.connectionsAffected;
      if (evidence.requestsAffected !== undefined) record.requestsAffected = evidence.requestsAffected;
      this.onChange?.({ id, label: this.label(id), action: 'remove', atMs: record.removedAtMs });
    } catch (error) {
      const message = `remove failed: ${error instanceof Error ? error.message : String(error)}`;
      // Cleanup tries again what the end of the load could not remove; the same failure twice
      // is one fact.
      if (!record.error?.endsWith(message)) record.error = record.error ? `${record.error}; ${message}` : message;
      this.onChange?.({ id, label: this.label(id), action: 'remove', atMs: this.elapsedMs(), error: message });
    }
  }

  /** Removes every fault still active (end of load, failure, signal). */
  async removeAll(): Promise<string[]> {
    for (const id of [...this.active].reverse()) await this.remove(id);
    return [...this.active].map((id) => `could not remove fault ${id}: ${this.records.get(id)!.error ?? 'unknown'}`);
  }

  list(): FaultRecord[] {
    return [...this.records.values()];
  }
}
