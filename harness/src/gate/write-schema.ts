import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { topologyDocument } from '../topology/schema.ts';
import { writeTextFile } from '../util/write-text-file.ts';
import { builtinScenariosDir } from '../scenario/catalog.ts';
import { scenarioDocument } from '../scenario/schema.ts';

/**
 * Generates scenarios/scenario.schema.json and scenarios/topology.schema.json from the zod
 * schemas (`npm run schema`). A test fails when the committed files are stale.
 */
export function jsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType) => `${JSON.stringify(z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' }), null, 2)}\n`;
  return {
    'scenario.schema.json': render(scenarioDocument),
    'topology.schema.json': render(topologyDocument),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [name, text] of Object.entries(jsonSchemas())) {
    await writeTextFile(join(builtinScenariosDir, name), text);
    process.stdout.write(`wrote scenarios/${name}\n`);
  }
}
