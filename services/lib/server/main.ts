import { builtinProfile, ProfileError, profileFromEnv } from '../profile/load.ts';
import type { Profile } from '../profile/schema.ts';
import { adminSecretEnv } from './admin-secret.ts';
import { listenService } from './listen.ts';
import { buildService, defaultOutboundLimit, ServiceConfigError, type ServiceDefinition } from './service.ts';

/** Callee origins from `<CALLEE>_URL` env variables (upper case, non-alphanumerics as `_`). */
export function dependencyUrlsFromEnv(dependencies: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const dependency of dependencies) {
    const value = env[`${dependency.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`];
    if (value) urls[dependency] = value.replace(/\/+$/, '');
  }
  return urls;
}

/**
 * The process entry every service's main.ts calls: reads the env conventions, listens, prints
 * the ready line, and shuts down gracefully on SIGTERM/SIGINT or (with
 * FAULTLINE_PARENT_WATCH=stdin) when the parent's end of stdin closes. A bad profile or missing
 * dependency address exits with code 2 and a message naming what is wrong.
 */
export async function runService(definition: ServiceDefinition, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let profile: Profile;
  try {
    profile = env['FAULTLINE_PROFILE_FILE'] || env['FAULTLINE_PROFILE'] ? profileFromEnv(env) : builtinProfile('resilient');
  } catch (error) {
    if (error instanceof ProfileError) return exitWithUsageError(definition.name, error.message);
    throw error;
  }
  const seed = Number(env['FAULTLINE_SEED'] ?? 1);
  if (!Number.isInteger(seed)) return exitWithUsageError(definition.name, `FAULTLINE_SEED: expected an integer, got '${env['FAULTLINE_SEED']}'`);
  const port = Number(env['PORT'] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return exitWithUsageError(definition.name, `PORT: expected 0..65535, got '${env['PORT']}'`);

  const outboundLimit = Number(env['FAULTLINE_OUTBOUND_LIMIT'] ?? defaultOutboundLimit);
  if (!Number.isInteger(outboundLimit) || outboundLimit < 1)
    return exitWithUsageError(definition.name, `FAULTLINE_OUTBOUND_LIMIT: expected an integer ≥ 1, got '${env['FAULTLINE_OUTBOUND_LIMIT']}'`);

  let app;
  try {
    app = buildService(definition, {
      profile,
      seed,
      outboundLimit,
      serviceName: env['FAULTLINE_SERVICE_NAME'] || undefined,
      dependencyUrls: dependencyUrlsFromEnv(definition.dependencies, env),
      // Unset or empty (compose passes `${FAULTLINE_ADMIN_SECRET:-}`): no fault hook.
      adminSecret: env[adminSecretEnv] || undefined,
      broker: { publishUrl: env['BROKER_URL'] || undefined, subscribeUrl: env['BROKER_SUBSCRIBE_URL'] || undefined },
      stateDir: env['FAULTLINE_STATE_DIR'] || undefined,
    });
  } catch (error) {
    if (error instanceof ServiceConfigError) return exitWithUsageError(definition.name, error.message);
    throw error;
  }
  const listening = await listenService(app, { host: env['HOST'] || '127.0.0.1', port });
  // Messages start flowing once the HTTP side answers: a consumer's handler may call a dependency.
  app.start();
  process.stdout.write(`${JSON.stringify({ event: 'listening', service: app.name, url: listening.url, pid: process.pid })}\n`);

  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${app.name}: stopping (${reason})\n`);
    // Exit even if a pool or socket refuses to close in time.
    setTimeout(() => process.exit(0), 8000).unref();
    listening.close(5000).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  if (env['FAULTLINE_PARENT_WATCH'] === 'stdin') {
    // The parent holds the other end of our stdin; when it dies, for any reason, stdin ends.
    process.stdin.on('end', () => stop('parent gone'));
    process.stdin.on('close', () => stop('parent gone'));
    process.stdin.on('error', () => stop('parent gone'));
    process.stdin.resume();
  }
}

function exitWithUsageError(service: string, message: string): void {
  process.stderr.write(`${service}: ${message}\n`);
  process.exitCode = 2;
  process.exit(2);
}
