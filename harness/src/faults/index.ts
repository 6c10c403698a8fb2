import type { FaultSpec } from '../scenario/model.ts';
import { crashDriver, restartDriver } from './crash.ts';
import type { FaultDriver } from './driver.ts';
import { downDriver } from './down.ts';
import { httpDriver } from './http.ts';
import { toxicDriver } from './toxic.ts';

/** The fault kinds a scenario can use: adding one is one driver file plus one line here. */
const drivers = {
  toxic: toxicDriver,
  down: downDriver,
  crash: crashDriver,
  restart: restartDriver,
  http: httpDriver,
} satisfies { [K in FaultSpec['kind']]: FaultDriver<Extract<FaultSpec, { kind: K }>> };

export function driverFor<F extends FaultSpec>(fault: F): FaultDriver<F> {
  return drivers[fault.kind] as unknown as FaultDriver<F>;
}

export function describeFault(fault: FaultSpec): string {
  return driverFor(fault).describe(fault);
}

export type { FaultContext, FaultDriver, FaultEvidence } from './driver.ts';
