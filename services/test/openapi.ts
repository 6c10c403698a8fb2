import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, any>;

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Validates real responses against an OpenAPI 3.1 document with ajv (JSON Schema 2020-12, the
 * dialect OpenAPI 3.1 uses). The whole document is registered once, so `$ref`s into
 * `#/components/...` resolve as written.
 */
export class OpenApiContract {
  readonly doc: Json;
  private readonly ajv: Ajv2020;
  private readonly id: string;

  constructor(file: string) {
    this.doc = parse(readFileSync(file, 'utf8')) as Json;
    this.id = `contract:${file}`;
    // strict: false, because the OpenAPI document around the schemas has non-schema keywords.
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, this.id);
  }

  /** Documented (path template, method) pairs. */
  operations(): Array<{ path: string; method: string }> {
    return Object.entries(this.doc['paths'] as Json).flatMap(([path, item]) =>
      Object.keys(item as Json)
        .filter((k) => ['get', 'post', 'put', 'delete'].includes(k))
        .map((method) => ({ path, method })),
    );
  }

  /** Problems with one response; empty when it honours the contract. */
  check(method: string, pathTemplate: string, status: number, contentType: string | null, body: unknown): string[] {
    const operation = this.doc['paths']?.[pathTemplate]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${pathTemplate} is not documented`];
    let pointer = `/paths/${escapePointer(pathTemplate)}/${method.toLowerCase()}/responses/${status}`;
    let response = operation.responses?.[String(status)] as Json | undefined;
    if (!response) return [`${method} ${pathTemplate}: status ${status} is not documented`];
    if (typeof response['$ref'] === 'string') {
      pointer = (response['$ref'] as string).slice(1);
      response = this.resolve(pointer);
    }
    const content = response['content'] as Json | undefined;
    if (!content) return body === undefined || body === '' ? [] : [`${method} ${pathTemplate} ${status}: documented without a body, got one`];
    const mediaType = (contentType ?? '').split(';')[0]!.trim();
    if (!content[mediaType]) return [`${method} ${pathTemplate} ${status}: content type '${mediaType}' not documented`];
    const validate = this.ajv.getSchema(`${this.id}#${pointer}/content/${escapePointer(mediaType)}/schema`);
    if (!validate) return [`no schema at ${pointer}`];
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${method} ${pathTemplate} ${status}: ${e.instancePath || '(body)'} ${e.message}`);
  }

  private resolve(pointer: string): Json {
    return pointer
      .split('/')
      .slice(1)
      .reduce((node: Json, segment) => node[segment.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
  }
}
