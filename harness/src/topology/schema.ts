import { z } from 'zod';
import { durationText, linkText, nameText } from '../document/fields.ts';

/**
 * The topology file as written (YAML): the single source of truth for
 * scenarios/topology.schema.json. Whether a service is started (`command`) or already running
 * (`url`) is a cross-field rule (rules.ts), so the messages can say which field is wrong.
 */

/** An environment variable name as a shell accepts it. */
export const envNameText = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: (iss) => `expected an environment variable name (letters, digits, '_'; not starting with a digit); got ${JSON.stringify(iss.input)}`,
});

/** `{url}`, `{host}`, `{port}`: the parts of a proxy address a template may use. */
export const ADDRESS_PLACEHOLDERS = ['url', 'host', 'port'] as const;
const templateText = z.string().regex(/^(?:[^{}]|\{(?:url|host|port)\})+$/, {
  error: (iss) => `expected a template of text and {url}, {host} or {port} (e.g. '{host}:{port}'); got ${JSON.stringify(iss.input)}`,
});

export const topologyServiceDocument = z.strictObject({
  command: z
    // Arguments may be empty (`redis-server --save ''`); the program may not.
    .array(z.string())
    .min(1)
    .refine((argv) => argv[0] !== '', { error: 'the program (the first element) must not be empty', path: [0] })
    .optional()
    .meta({ description: "argv to start the service; 'node' stands for the running Node. Its port comes in env PORT (see portEnv)." }),
  url: z
    .string()
    .regex(/^(?:https?|mqtt):\/\/[^\s/]+/, {
      error: (iss) => `expected an http(s) URL such as 'http://127.0.0.1:9000' (or a broker's 'mqtt://host:port'); got ${JSON.stringify(iss.input)}`,
    })
    .optional()
    .meta({ description: "Address of a service that is already running (instead of command); a broker's is 'mqtt://host:port'." }),
  address: z
    .string()
    .regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
      error: (iss) => `expected host:port of a TCP service such as '127.0.0.1:6379'; got ${JSON.stringify(iss.input)}`,
    })
    .optional()
    .meta({ description: 'host:port of a TCP service that is already running (a database, a cache, a broker), instead of command or url.' }),
  protocol: z.enum(['http', 'tcp']).optional().meta({
    description:
      "What the service speaks: http (default; its health route is polled) or tcp (ready when its port accepts a connection; every toxic applies to its edges, HTTP faults do not). 'address' implies tcp.",
  }),
  broker: z.enum(['mqtt']).optional().meta({
    description:
      "This service is the system's message broker (at most one), speaking this protocol. Alone: the embedded broker faultline starts; with 'url: mqtt://host:port' or 'address', one already running; with 'command' (and 'protocol: tcp'), one faultline starts. Links from it ('broker -> dispatch') are consuming links: the callee connects.",
  }),
  health: z
    .string()
    .regex(/^\//, { error: (iss) => `expected a route starting with '/'; got ${JSON.stringify(iss.input)}` })
    .optional()
    .meta({ description: 'Route answered with 2xx when ready; default /health.' }),
  env: z.record(z.string(), z.string()).optional().meta({ description: 'Extra environment (with command).' }),
  cwd: z.string().min(1).optional().meta({ description: "Working directory relative to this file (with command); default the file's folder." }),
  faultlineAware: z
    .boolean()
    .optional()
    .meta({ description: 'Speaks faultline conventions (/__faultline admin hook, profile env, ready line, dependency metrics); default false.' }),
  portEnv: envNameText
    .optional()
    .meta({ description: 'Environment variable the service reads its port from (with command); default PORT. faultline picks a free port.' }),
  startTimeout: durationText.optional().meta({ description: "How long the service may take to be healthy (with command); default '10s'." }),
  readyLine: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "Wait for a line of the service's stdout before polling its health route (with command): a substring, or /regex/flags." }),
});

/** An edge with options: the variables its caller reads the callee's address from. */
export const topologyEdgeDocument = z.strictObject({
  link: linkText,
  env: z
    .union([envNameText, z.record(envNameText, templateText)], {
      error: (iss) =>
        `expected a variable name (e.g. 'BACKEND_URL') or a map of names to templates (e.g. {BACKEND_ADDR: '{host}:{port}'}); got ${JSON.stringify(iss.input)}`,
    })
    .optional()
    .meta({
      description:
        "Variables the caller reads the callee's proxy address from: a name (given '{url}'), or names to templates of {url}, {host}, {port}. Default <CALLEE>_URL.",
    }),
});

export const topologyDocument = z
  .strictObject({
    name: nameText.optional().meta({ description: "Default: the file's basename." }),
    services: z.record(nameText, topologyServiceDocument),
    edges: z
      .array(z.union([linkText, topologyEdgeDocument]))
      .optional()
      .meta({
        description:
          "Dependency edges 'caller -> callee' (or {link, env}); each becomes a proxy caller_to_callee. Broker links are named the way messages flow: 'trip -> broker' (publishing, BROKER_URL), 'broker -> dispatch' (consuming, opened by dispatch, BROKER_SUBSCRIBE_URL).",
      }),
  })
  .meta({ title: 'faultline topology', description: 'Services (started or external), health routes and dependency edges.' });

export type TopologyDocument = z.infer<typeof topologyDocument>;
export type TopologyServiceDocument = z.infer<typeof topologyServiceDocument>;
export type TopologyEdgeDocument = z.infer<typeof topologyEdgeDocument>;
