/**
 * Runs a real agent CLI the way aicoder does: argv from the shipped template (templates/providers),
 * cwd = the repo, stdin = /dev/null, its own process group, a deadline that kills the group.
 * Optionally records the stdout lines into test/fixtures/recorded/<cli>/<name>.jsonl when the
 * env variable AICODER_RECORD=1 is set (re-recording the parser fixtures).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArgvVars } from '../../src/core/ports.js';
import { buildArgv } from '../../src/providers/argv.js';
import { baseEnv, BIN_DIR } from '../fixtures/agent-env.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RECORDED_DIR = join(ROOT, 'test/fixtures/recorded');

export interface Template {
  name: string;
  command: string[];
  resume_command: string[];
  parser: string;
}

export function loadTemplate(name: string): Template {
  return JSON.parse(readFileSync(join(ROOT, 'templates/providers', `${name}.json`), 'utf8')) as Template;
}

export interface CliRun {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string;
  ms: number;
  /** stdout lines parsed as JSON (lines that are not JSON are skipped). */
  events: Record<string, unknown>[];
}

/**
 * Builds the argv from the template (command, or resume_command when vars.message is set). The
 * template names the program; it runs the copy in node_modules/.bin unless `program` is given.
 */
export function templateArgv(name: string, vars: ArgvVars, program?: string): string[] {
  const t = loadTemplate(name);
  // The daemon fills {permission_mode} from config (claude_permission_mode, default acceptEdits).
  const argv = buildArgv(vars.message === undefined ? t.command : t.resume_command, {
    permission_mode: 'acceptEdits',
    ...vars,
  });
  return [program ?? join(BIN_DIR, argv[0] ?? name), ...argv.slice(1)];
}

export async function runCli(
  argv: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(argv[0] ?? '', argv.slice(1), {
    cwd: opts.cwd,
    env: { ...baseEnv(), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const timer = setTimeout(() => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }, opts.timeoutMs ?? 45_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res, rej) => {
    child.on('error', rej);
    child.on('close', (c, s) => res([c, s]));
  });
  clearTimeout(timer);
  const stdout = out.split('\n').filter((l) => l.trim() !== '');
  const events: Record<string, unknown>[] = [];
  for (const line of stdout) {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* not JSON */
    }
  }
  return { argv, code, signal, stdout, stderr: err, ms: Date.now() - started, events };
}

/** With AICODER_RECORD=1, writes the run's stdout lines as a parser fixture. */
export function maybeRecord(cli: string, name: string, run: CliRun): void {
  if (process.env.AICODER_RECORD !== '1') return;
  const file = join(RECORDED_DIR, cli, `${name}.jsonl`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${run.stdout.join('\n')}\n`);
}
