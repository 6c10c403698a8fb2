import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The fault hook's per-run secret. A chaos hook anyone can call lets any local process (or a
 * page in the user's browser) inject faults, so the hook exists only when the service was
 * started with a secret, and every admin request must carry it. The harness draws a fresh one
 * for each service it launches (harness/src/topology/admin-secret.ts keeps the same names).
 */

/** The environment variable that switches the hook on; unset or empty = no hook (404). */
export const adminSecretEnv = 'FAULTLINE_ADMIN_SECRET';
/** The request header that must carry it on every `/__faultline/*` request. */
export const adminSecretHeader = 'x-faultline-secret';
/** Shorter secrets are refused at start: guessable ones would defeat the point. */
export const minAdminSecretLength = 16;

/** A message when the secret is unusable, else undefined. */
export function adminSecretProblem(secret: string): string | undefined {
  if (secret.length < minAdminSecretLength)
    return `${adminSecretEnv}: expected at least ${minAdminSecretLength} characters (e.g. \`openssl rand -hex 16\`), got ${secret.length}`;
  return undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * A checker for the header value. Both sides are hashed first so timingSafeEqual always compares
 * 32 equal-length bytes: the time taken says nothing about the secret, not even its length.
 */
export function adminSecretChecker(secret: string): (header: string | string[] | undefined) => boolean {
  const expected = digest(secret);
  return (header) => typeof header === 'string' && timingSafeEqual(digest(header), expected);
}
