#!/usr/bin/env node
// Entry of the `faultline` bin. The code is TypeScript run through tsx's loader, so a clean
// clone works after `npm ci` with no build step.
import process from 'node:process';
import { register } from 'tsx/esm/api';

// A reader that went away (`faultline list | head`) is not our failure: further output is
// dropped, and a run still finishes and cleans up before the process exits.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

register();
const { main } = await import('../harness/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
