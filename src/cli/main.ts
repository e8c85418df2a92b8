/**
 * The CLI entry: `main(argv)` builds the commander program, runs one command, and turns any error into
 * one line on stderr ("aicoder: <message>") and an exit code (exit-codes.ts).
 */
import { Command, CommanderError } from 'commander';
import { isAicoderError } from '../core/errors.js';
import { packageVersion } from '../daemon/version.js';
import { createContext, type CliContext } from './context.js';
import { EXIT_FAILED, EXIT_USAGE, exitCodeFor } from './exit-codes.js';
import { createOutput, exitQuietlyOnClosedPipe, type Output } from './output.js';

type Register = (program: Command, ctx: CliContext) => void;

/** The modules that register commands, loaded on demand: a command loads only its own module. */
const MODULES = {
  coders: async (): Promise<Register> => (await import('./commands/coders.js')).registerCoderCommands,
  logs: async (): Promise<Register> => (await import('./commands/logs.js')).registerLogCommands,
  daemon: async (): Promise<Register> => (await import('./commands/daemon.js')).registerDaemonCommands,
  mcp: async (): Promise<Register> => (await import('./commands/mcp.js')).registerMcpCommand,
  tui: async (): Promise<Register> => (await import('./commands/tui.js')).registerTuiCommand,
  attach: async (): Promise<Register> => (await import('./commands/attach.js')).registerAttachCommand,
  worktree: async (): Promise<Register> => (await import('./commands/worktree.js')).registerWorktreeCommands,
  groups: async (): Promise<Register> => (await import('./commands/groups.js')).registerGroupCommands,
  roles: async (): Promise<Register> => (await import('./commands/roles.js')).registerRolesCommand,
} as const;
type ModuleName = keyof typeof MODULES;

/**
 * Which module registers each top-level command. A command missing here still works (every module
 * is loaded then); test/cli/lazy-commands.test.ts fails until it is listed.
 */
export const COMMAND_MODULE: Readonly<Record<string, ModuleName>> = {
  create: 'coders',
  list: 'coders',
  status: 'coders',
  pause: 'coders',
  resume: 'coders',
  stop: 'coders',
  restart: 'coders',
  message: 'coders',
  answer: 'coders',
  rm: 'coders',
  diff: 'coders',
  providers: 'coders',
  logs: 'logs',
  wait: 'logs',
  daemon: 'daemon',
  mcp: 'mcp',
  tui: 'tui',
  attach: 'attach',
  commit: 'worktree',
  merge: 'worktree',
  pr: 'worktree',
  conflicts: 'worktree',
  gc: 'worktree',
  check: 'groups',
  compare: 'groups',
  pick: 'groups',
  roles: 'roles',
};

/**
 * The modules `args` (argv without node and script) needs: the one of its command, or all of them
 * (no command, an unknown one, or help/version asked before the command).
 */
export function modulesFor(args: readonly string[]): ModuleName[] {
  const first = args.find((a) => !a.startsWith('-'));
  const before = first === undefined ? args : args.slice(0, args.indexOf(first));
  const owner = first === undefined ? undefined : COMMAND_MODULE[first];
  if (owner === undefined || before.length > 0) return Object.keys(MODULES) as ModuleName[];
  return [owner];
}

/** The program with the commands `args` needs (all of them when `args` is not given). */
export async function buildProgram(ctx: CliContext, args?: readonly string[]): Promise<Command> {
  const names = args === undefined ? (Object.keys(MODULES) as ModuleName[]) : modulesFor(args);
  const registers = await Promise.all(names.map((n) => MODULES[n]()));
  const program = baseProgram(ctx);
  for (const register of registers) register(program, ctx);
  return program;
}

function baseProgram(ctx: CliContext): Command {
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
    await (await buildProgram(ctx, argv.slice(2))).parseAsync([...argv]);
    code = ctx.exitCode;
  } catch (e) {
    code = reportError(e, out, env, argv.slice(2));
  }
  process.exitCode = code;
}
