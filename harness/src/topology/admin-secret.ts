import { randomBytes } from 'node:crypto';

/**
 * The fault hook's per-run secret, harness side. A faultline-aware service has its
 * `/__faultline/*` admin routes only when started with a secret in its environment, and answers
 * them only to requests carrying it in a header, so no other process (nor a web page) can
 * inject faults. The names match services/lib/server/admin-secret.ts, which the harness does not
 * import (services/ and harness/ stay apart).
 */
export const adminSecretEnv = 'FAULTLINE_ADMIN_SECRET';
export const adminSecretHeader = 'x-faultline-secret';
/** The services refuse shorter secrets. */
export const minAdminSecretLength = 16;

/** A fresh secret: 32 random bytes, hex. */
export function newAdminSecret(): string {
  return randomBytes(32).toString('hex');
}

/** The headers that authorise a request to the hook of a service started with `secret`. */
export function adminHeadersFor(secret: string | undefined): Record<string, string> {
  return secret ? { [adminSecretHeader]: secret } : {};
}
