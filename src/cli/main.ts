/**
 * The CLI entry: `main(argv)` builds the commander program, runs one command, and turns any error into
 * one line on stderr ("aicoder: <message>") and an exit code (exit-codes.ts).
 */
import { Command, CommanderError } from 'commander';
import { isAicoderError } from '../core/errors.js';
import { packageVersion } from '../daemon/version.js';
import { registerCoderCommands } from './commands/coders.js';
import { registerDaemonCommands } from './commands/daemon.js';
import { registerLogCommands } from './commands/logs.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerTuiCommand } from './commands/tui.js';
import { registerWorktreeCommands } from './commands/worktree.js';
import { createContext, type CliContext } from './context.js';
import { EXIT_FAILED, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { createOutput, exitQuietlyOnClosedPipe, type Output } from './output.js';

export function buildProgram(ctx: CliContext): Command {
  const { out } = ctx;
  const program = new Command();
  program
    .name('aicoder')
    .description('Run and supervise several AI coding agents, each in its own git worktree.')
    .version(packageVersion(), '-V, --version')
    .configureOutput({
      writeOut: (s) => out.raw(s),
      writeErr: (s) => out.rawErr(s),
      outputError: () => undefined, // reported once by main()
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nThe daemon starts on first use (AICODER_NO_AUTOSTART=1 turns that off).\n' +
        'Exit codes: 0 ok, 1 failed, 2 usage error, 3 daemon unreachable, 4 no such coder.',
    );
  registerCoderCommands(program, ctx);
  registerLogCommands(program, ctx);
  registerDaemonCommands(program, ctx);
  registerMcpCommand(program, ctx);
  registerTuiCommand(program, ctx);
  registerWorktreeCommands(program, ctx);
  return program;
}

/** Commands whose free text (task, message, answer) may start with "-". */
const TEXT_COMMANDS = new Set(['create', 'message', 'answer']);

/**
 * For an unknown option in a command that takes free text: how to pass text that starts with "-"
 * (`--` ends the options, as in every POSIX/commander CLI). '' otherwise.
 */
function dashHint(e: CommanderError, args: readonly string[]): string {
  if (e.code !== 'commander.unknownOption') return '';
  const cmd = args.find((a) => !a.startsWith('-'));
  if (cmd === undefined || !TEXT_COMMANDS.has(cmd)) return '';
  const what = cmd === 'create' ? 'the task' : cmd === 'message' ? 'the message' : 'the answer';
  const example = cmd === 'create' ? 'aicoder create -- "-x …"' : `aicoder ${cmd} <id> -- "-x …"`;
  return `; if it is part of ${what}, put -- before the text: ${example}`;
}

/** Prints the error once and returns the exit code. */
export function reportError(
  e: unknown,
  out: Output,
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
): number {
  if (e instanceof CommanderError) {
    if (
      e.code === 'commander.helpDisplayed' ||
      e.code === 'commander.version' ||
      e.code === 'commander.help'
    ) {
      return e.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    out.error(e.message.replace(/^error: /, '') + dashHint(e, argv));
    return EXIT_USAGE;
  }
  if (isAicoderError(e)) {
    out.error(e.message);
    return exitCodeFor(e.code);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  out.error(`internal error: ${err.message}`);
  if (env.AICODER_DEBUG === '1' && err.stack !== undefined) out.rawErr(err.stack + '\n');
  return EXIT_FAILED;
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const env = process.env;
  exitQuietlyOnClosedPipe();
  const out = createOutput(env);
  const ctx = createContext(env, out, process.cwd());
  let code: number;
  try {
    await buildProgram(ctx).parseAsync([...argv]);
    code = ctx.exitCode;
  } catch (e) {
    code = reportError(e, out, env, argv.slice(2));
  }
  process.exitCode = code;
}
