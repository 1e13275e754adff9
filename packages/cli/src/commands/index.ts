/**
 * The command registry. To add a command (publish, report, tail, verify, rebuild, rescore…): write
 * `commands/<name>.ts` exporting a CommandModule and list it here; nothing else changes.
 */
import type { CommandModule } from './command.js';
import { generateCommand } from './generate.js';
import { publishCommand } from './publish.js';
import { reportCommand } from './report.js';
import { rescoreCommand } from './rescore.js';
import { scoreCommand } from './score.js';
import { rebuildCommand, verifyCommand } from './verify.js';
import { tailCommand } from './tail.js';

export const COMMANDS: readonly CommandModule[] = [generateCommand, scoreCommand, rescoreCommand, publishCommand, reportCommand, tailCommand, verifyCommand, rebuildCommand];

export type { CommandModule } from './command.js';
