import { z } from 'zod';
import { linkText, nameText } from '../document/fields.ts';

/**
 * The topology file as written (YAML): the single source of truth for
 * scenarios/topology.schema.json. Whether a service is started (`command`) or already running
 * (`url`) is a cross-field rule (rules.ts), so the messages can say which field is wrong.
 */
export const topologyServiceDocument = z.strictObject({
  command: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .meta({ description: "argv to start the service; 'node' stands for the running Node. Port in env PORT." }),
  url: z
    .string()
    .regex(/^https?:\/\/[^\s/]+/, { error: (iss) => `expected an http(s) URL such as 'http://127.0.0.1:9000'; got ${JSON.stringify(iss.input)}` })
    .optional()
    .meta({ description: 'Address of a service that is already running (instead of command).' }),
  health: z
    .string()
    .regex(/^\//, { error: (iss) => `expected a route starting with '/'; got ${JSON.stringify(iss.input)}` })
    .optional()
    .meta({ description: 'Route answered with 2xx when ready; default /health.' }),
  env: z.record(z.string(), z.string()).optional().meta({ description: 'Extra environment (with command).' }),
  cwd: z.string().min(1).optional().meta({ description: "Working directory relative to this file (with command); default the file's folder." }),
  faultlineAware: z.boolean().optional().meta({ description: 'Speaks faultline conventions (/__faultline admin hook, profile env); default false.' }),
});

export const topologyDocument = z
  .strictObject({
    name: nameText.optional().meta({ description: "Default: the file's basename." }),
    services: z.record(nameText, topologyServiceDocument),
    edges: z.array(linkText).optional().meta({ description: "Dependency edges 'caller -> callee'; each becomes a proxy caller_to_callee." }),
  })
  .meta({ title: 'faultline topology', description: 'Services (started or external), health routes and dependency edges.' });

export type TopologyDocument = z.infer<typeof topologyDocument>;
export type TopologyServiceDocument = z.infer<typeof topologyServiceDocument>;
