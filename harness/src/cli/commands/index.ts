import type { Command } from '../command.ts';
import { analyseCommand } from './analyse.ts';
import { cleanupCommand } from './cleanup.ts';
import { compareCommand } from './compare.ts';
import { k6Command } from './k6.ts';
import { listCommand } from './list.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { servicesCommand } from './services.ts';
import { toxiproxyCommand } from './toxiproxy.ts';
import { validateCommand } from './validate.ts';

/**
 * The registry of sub-commands: adding one is one file in this folder plus one line here.
 */
export const commands: readonly Command[] = [
  runCommand,
  listCommand,
  validateCommand,
  planCommand,
  compareCommand,
  analyseCommand,
  cleanupCommand,
  servicesCommand,
  toxiproxyCommand,
  k6Command,
];
