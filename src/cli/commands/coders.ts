/** The coder commands: create, list, status, pause|resume|stop|restart, message, answer, rm, diff, providers. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerControlCommands } from './coders-control.js';
import { registerCreateCommand } from './coders-create.js';
import { registerDiffProviders, registerListStatus } from './coders-read.js';

/** Options every coder command has. */
export interface JsonOpt {
  json?: boolean;
}

export function registerCoderCommands(program: Command, ctx: CliContext): void {
  // Registration order is the order of `aicoder --help`.
  registerCreateCommand(program, ctx);
  registerListStatus(program, ctx);
  registerControlCommands(program, ctx);
  registerDiffProviders(program, ctx);
}
