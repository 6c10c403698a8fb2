import type { ProxySpec } from '../proxy/collection.ts';
import { ApiError } from '../proxy/collection.ts';
import { badRequestBody, decodeStruct, type GoType } from './go-json.ts';

const proxyFields: Record<string, GoType> = { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' };

/** Toxiproxy's ErrMissingField. */
export const missingField = (what: string): ApiError => new ApiError(`missing required field: ${what}`, 400);

/** Decodes a proxy object (create, update, populate entries) over the given defaults. */
export function decodeProxy(value: unknown, defaults: ProxySpec): ProxySpec {
  const fields = decodeStruct(value, proxyFields, { struct: 'Proxy', value: 'toxiproxy.Proxy' });
  return { ...defaults, ...fields } as ProxySpec;
}

/** Decodes `/populate`'s array and checks every entry before anything is created. */
export function decodePopulate(value: unknown): ProxySpec[] {
  if (!Array.isArray(value)) {
    const kind =
      value === null ? undefined : typeof value === 'object' ? 'object' : typeof value === 'string' ? 'string' : typeof value === 'number' ? 'number' : 'bool';
    if (kind === undefined) return [];
    throw badRequestBody(`json: cannot unmarshal ${kind} into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }`);
  }
  const specs = value.map((entry) => decodeProxy(entry, { name: '', listen: '', upstream: '', enabled: true }));
  specs.forEach((spec, index) => {
    if (!spec.name) throw missingField(`name at proxy ${index + 1}`);
    if (!spec.upstream) throw missingField(`upstream at proxy ${index + 1}`);
  });
  return specs;
}
