/**
 * The command registry. To add a command (publish, report, tail, verify, rebuild, rescore…): write
 * `commands/<name>.ts` exporting a CommandModule and list it here; nothing else changes.
 */
import type { CommandModule } from './command.js';
import { generateCommand } from './generate.js';
import { rescoreCommand } from './rescore.js';
import { scoreCommand } from './score.js';

export const COMMANDS: readonly CommandModule[] = [generateCommand, scoreCommand, rescoreCommand];

export type { CommandModule } from './command.js';
