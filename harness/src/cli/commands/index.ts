import type { Command } from '../command.ts';

/**
 * The registry of sub-commands: adding one is one file in this folder plus one line here.
 */
export const commands: readonly Command[] = [];
