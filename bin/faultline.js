#!/usr/bin/env node
// Entry of the `faultline` bin. Installed from npm, the package holds compiled JavaScript
// (dist/) and runs it with plain Node. In a clone, the TypeScript source is there and is what
// runs, through tsx (a devDependency): `npm ci && npm start` needs no build step, and a dist/
// left by an earlier `npm pack` can never be run stale in place of the code being edited.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

// A reader that went away (`faultline list | head`) is not our failure: further output is
// dropped, and a run still finishes and cleans up before the process exits.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const source = new URL('../harness/src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../dist/harness/src/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
