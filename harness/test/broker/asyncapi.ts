import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, any>;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * The message contracts of the services' AsyncAPI 3 documents: for each channel address, the
 * payload schema of the message defined in the document that owns it (a message referenced from
 * another document is validated by its owner's schema). Payload schemas are JSON Schema.
 */
export class AsyncApiContracts {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(files: readonly string[]) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const file of files) {
      const doc = parse(readFileSync(file, 'utf8')) as Json;
      const id = `asyncapi:${file}`;
      ajv.addSchema(doc, id);
      for (const channel of Object.values(doc['channels'] as Json) as Json[]) {
        for (const message of Object.values(channel['messages'] as Json) as Json[]) {
          const ref = message['$ref'] as string;
          if (!ref.startsWith('#/')) continue; // owned by another document
          const resolved = ref
            .slice(2)
            .split('/')
            .reduce<Json>((node, key) => node[key] as Json, doc);
          const payloadRef = (resolved['payload'] as Json)['$ref'] as string;
          const validate = ajv.getSchema(`${id}${payloadRef}`);
          if (!validate) throw new Error(`${file}: no schema at ${payloadRef}`);
          this.validators.set(channel['address'] as string, validate);
        }
      }
    }
  }

  get channels(): string[] {
    return [...this.validators.keys()];
  }

  /** Problems with one message on `channel`; empty when it honours the contract. */
  check(channel: string, message: unknown): string[] {
    const validate = this.validators.get(channel);
    if (!validate) return [`channel '${channel}' is not documented`];
    return validate(message) ? [] : (validate.errors ?? []).map((e) => `${channel}: ${e.instancePath || '(message)'} ${e.message}`);
  }
}
