import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceMetrics } from '../metrics.ts';
import type { Random } from '../random.ts';
import type { Reply } from './router.ts';

/** A service-level fault: for `rate` of requests, wait `delayMs`, then answer `status` (0 = carry on). */
export interface ServiceFault {
  /** HTTP status to answer, 100..599; 0 = no error, only the delay. */
  status: number;
  /** Fraction of requests affected, 0..1. */
  rate: number;
  /** Processing delay added to affected requests, ms. Default 0. */
  delayMs: number;
}

/** Parses an admin request body; returns a message when it is not a valid fault. */
export function parseFault(body: unknown): ServiceFault | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected a JSON object {status, rate, delayMs}';
  const { status = 0, rate = 1, delayMs = 0, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) return `unknown field ${unknown[0]}`;
  if (typeof status !== 'number' || !Number.isInteger(status) || (status !== 0 && (status < 100 || status > 599)))
    return 'status: expected 0 or an HTTP status 100..599';
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) return 'rate: expected a number 0..1';
  if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600_000) return 'delayMs: expected an integer 0..600000';
  return { status, rate, delayMs };
}

/**
 * Faults Toxiproxy cannot make (it works on TCP bytes): HTTP error statuses and processing
 * delay inside the service. Which requests are hit is drawn from the seeded generator.
 */
export class FaultHook {
  private fault: ServiceFault | undefined;
  constructor(
    private readonly random: Random,
    private readonly metrics: ServiceMetrics,
  ) {}

  get current(): ServiceFault | undefined {
    return this.fault;
  }
  set(fault: ServiceFault): void {
    this.fault = fault;
  }
  clear(): void {
    this.fault = undefined;
  }

  /** Applies the fault to one request: resolves to the injected reply, or undefined to carry on. */
  async apply(): Promise<Reply | undefined> {
    const fault = this.fault;
    if (!fault || fault.rate <= 0 || this.random() >= fault.rate) return undefined;
    if (fault.delayMs > 0) {
      this.metrics.injectedFaults.inc({ kind: 'delay' });
      await sleep(fault.delayMs);
    }
    if (fault.status === 0) return undefined;
    this.metrics.injectedFaults.inc({ kind: 'status' });
    return { status: fault.status, body: { error: 'injected_fault', message: `faultline fault hook answered ${fault.status}` } };
  }
}
