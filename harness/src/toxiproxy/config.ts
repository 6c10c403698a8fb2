import { readFile } from 'node:fs/promises';
import { FaultlineError } from '../errors.ts';
import { parseBody } from './api/go-json.ts';
import { decodePopulate } from './api/proxy-body.ts';
import { ApiError, type ProxyCollection } from './proxy/collection.ts';

/**
 * Loads a Toxiproxy config file (a JSON array in `/populate`'s format) into the collection, as
 * `toxiproxy-server -config FILE` does. A bad file or a failed bind stops the start.
 */
export async function loadConfigFile(file: string, proxies: ProxyCollection): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FaultlineError('FL_INVALID_INPUT', `cannot read Toxiproxy config ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const specs = decodePopulate(parseBody(text));
    for (const spec of specs) await proxies.createOrReplace(spec);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const code = error.status === 500 ? 'FL_PORT_IN_USE' : 'FL_INVALID_INPUT';
    throw new FaultlineError(code, `Toxiproxy config ${file}: ${error.message}`, { cause: error });
  }
}
