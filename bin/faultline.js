#!/usr/bin/env node
// Entry of the `faultline` bin. The code is TypeScript run through tsx's loader, so a clean
// clone works after `npm ci` with no build step.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
