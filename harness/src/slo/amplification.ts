/**
 * Retry amplification, defined once for every figure that shows it (the SLO, the report's
 * per-interval chart): network attempts per logical call that reached the network,
 *
 *   Δ dependency_attempts_total / Δ dependency_calls_total
 *
 * over the same interval. The services count a call and all of its attempts together when the
 * call ends, and count calls that never reached the network (short-circuited, rejected by the
 * bulkhead, deadline already spent) apart, in `dependency_calls_unsent_total`; so both counters
 * move together and a client without retries reads exactly 1. `null` when no call ended in the
 * interval: there is nothing to divide.
 */
export function retryAmplification(attempts: number, calls: number): number | null {
  return calls > 0 ? attempts / calls : null;
}
