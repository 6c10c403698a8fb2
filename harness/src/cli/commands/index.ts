import type { Command } from '../command.ts';
import { cleanupCommand } from './cleanup.ts';
import { compareCommand } from './compare.ts';
import { runCommand } from './run.ts';
import { servicesCommand } from './services.ts';

/**
 * The registry of sub-commands: adding one is one file in this folder plus one line here.
 */
export const commands: readonly Command[] = [
  runCommand,
  compareCommand,
  cleanupCommand,
  servicesCommand,
];
