/**
 * Runs git with an argv array (never a shell), a stable environment and stable output:
 * no prompts, C locale, unquoted paths, no opportunistic index writes, and none of the caller's
 * GIT_DIR-style variables leaking in.
 */
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import { AicoderError } from '../core/errors.js';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  /** Extra environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  /** Text fed to stdin. */
  input?: string;
}

/** Variables that would point git at another repository, index or object store than the cwd's. */
const LOCATION_VARS = new Set([
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
  'GIT_CONFIG',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
]);

export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || LOCATION_VARS.has(k) || /^GIT_CONFIG_(KEY|VALUE)_\d+$/.test(k)) continue;
    env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  env.LC_ALL = 'C';
  env.LANG = 'C';
  return { ...env, ...extra };
}

export type GitRunner = (args: readonly string[], opts: GitRunOptions) => Promise<GitResult>;

/** A runner bound to one git binary. Never rejects for a non-zero exit; rejects if git cannot start. */
export function gitRunner(gitBinary = 'git'): GitRunner {
  return async (args, opts) => {
    const r = await execa(gitBinary, ['-c', 'core.quotepath=false', ...args], {
      cwd: opts.cwd,
      env: gitEnv(opts.env),
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    if (r.exitCode === undefined) {
      const why = r.code === 'ENOENT' ? `cannot run '${gitBinary}' (is git installed?)` : r.message;
      throw new AicoderError('internal', `git ${args[0] ?? ''} failed to start in ${opts.cwd}: ${why}`, {
        cause: r,
      });
    }
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
}

/** First lines of git's stderr, without "fatal: " noise, for error messages. */
export function gitMessage(r: GitResult): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.replace(/^(fatal|error): /, '').trim())
    .filter((l) => l.length > 0 && !l.startsWith('hint:'));
  return lines.slice(0, 3).join('; ') || `exit code ${r.exitCode}`;
}

/** Throws `internal` with git's message unless the command succeeded. */
export function check(r: GitResult, what: string): GitResult {
  if (r.exitCode !== 0) throw new AicoderError('internal', `${what} failed: ${gitMessage(r)}`);
  return r;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export function isNotARepo(r: GitResult): boolean {
  return (
    r.exitCode === 128 && /not a git repository|must be run in a work tree|dubious ownership/i.test(r.stderr)
  );
}

/** Splits NUL-separated output, dropping the trailing empty field. */
export function splitZ(out: string): string[] {
  const parts = out.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
