import { describe, expect, it } from 'vitest';
import type { FaultContext } from '../../src/faults/index.ts';
import type { DownFault } from '../../src/faults/kinds/down.ts';
import { FaultsRuntime } from '../../src/run/faults-runtime.ts';

const fault: DownFault = { kind: 'down', id: 'f1', atMs: 1000, forMs: 2000, caller: 'trip', callee: 'dispatch' };

/** A context whose proxy change resolves only when the test says so. */
function pendingContext(): { ctx: FaultContext; release: () => void } {
  let release = () => undefined as void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ctx: FaultContext = {
    proxies: {
      addToxic: () => Promise.resolve(),
      removeToxic: () => Promise.resolve(true),
      setEnabled: (_proxy, enabled) => (enabled ? Promise.resolve() : gate),
      appliedConnections: () => Promise.resolve(undefined),
    },
    broker: () => {
      throw new Error('not here');
    },
    service: () => undefined,
    relaunch: () => Promise.reject(new Error('not here')),
    stopService: () => Promise.resolve(),
    serviceUrl: () => 'http://127.0.0.1:1',
    toxicPrefix: 'faultline_test_',
  };
  return { ctx, release };
}

describe('the faults runtime', () => {
  it('lists a fault as active only once it is applied and its event sent, and no longer once removed', async () => {
    const { ctx, release } = pendingContext();
    const events: string[] = [];
    const runtime = new FaultsRuntime(
      [fault],
      ctx,
      () => 0,
      (e) => events.push(`${e.action} ${runtime.activeLabels().length}`),
    );
    const applying = runtime.apply('f1');
    expect(runtime.activeLabels()).toEqual([]); // Toxiproxy has not answered yet
    release();
    await applying;
    expect(runtime.activeLabels()).toEqual(['down trip -> dispatch']);
    await runtime.remove('f1');
    expect(runtime.activeLabels()).toEqual([]);
    // Progress read during the `fault on` event still saw it inactive: the line comes first.
    expect(events).toEqual(['apply 0', 'remove 0']);
  });

  it('still removes a fault at cleanup whose apply never answered', async () => {
    const { ctx } = pendingContext();
    const runtime = new FaultsRuntime([fault], ctx, () => 0);
    void runtime.apply('f1');
    expect(await runtime.removeAll()).toEqual([]);
    expect(runtime.list()[0]).toMatchObject({ id: 'f1', removedAtMs: 0 });
  });

  it('tries a failed removal again at cleanup, and records the same failure once', async () => {
    const { ctx, release } = pendingContext();
    release();
    let enables = 0;
    const failing: FaultContext = {
      ...ctx,
      proxies: {
        ...ctx.proxies,
        setEnabled: (_proxy, enabled) => (enabled ? (enables++, Promise.reject(new Error('interrupted'))) : Promise.resolve()),
      },
    };
    const runtime = new FaultsRuntime([fault], failing, () => 0);
    await runtime.apply('f1');
    expect(await runtime.removeAll()).toEqual(['could not remove fault f1: remove failed: interrupted']);
    expect(await runtime.removeAll()).toEqual(['could not remove fault f1: remove failed: interrupted']);
    expect(enables).toBe(2);
    expect(runtime.list()[0]!.error).toBe('remove failed: interrupted');
  });
});
