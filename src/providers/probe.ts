/**
 * `aicoder providers` status: is the program on the daemon's PATH, what does `--version` say, and do
 * the provider's credentials look present. Only names of variables and paths of files are reported,
 * never a value. Versions are asked once per program path and cached for the daemon's lifetime.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ProviderAvailability, ProviderDef, ProviderProbe } from '../core/ports.js';
import { credentialsOf, installHint } from './credentials.js';

export const VERSION_TIMEOUT_MS = 5_000;

type Env = Readonly<Record<string, string | undefined>>;

export interface ProviderProbeOptions {
  /** The environment agents run with (the daemon's own). */
  env: Env;
  timeoutMs?: number;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The program as found on PATH (or itself when absolute and executable); null when not found. */
export function resolveProgram(program: string, path: string | undefined): string | null {
  if (program.includes('/')) return isAbsolute(program) && isExecutableFile(program) ? program : null;
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** First non-empty line of `<path> --version` (stdout, else stderr), or null (failed or timed out). */
export function programVersion(path: string, env: Env, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const childEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
    let out = '';
    let err = '';
    let child;
    try {
      child = spawn(path, ['--version'], {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
      });
    } catch {
      resolve(null);
      return;
    }
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c.slice(0, 4096)));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c.slice(0, 4096)));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      if (code !== 0) return resolve(null);
      const line = [out, err]
        .flatMap((s) => s.split('\n'))
        .map((l) => l.trim())
        .find((l) => l !== '');
      resolve(line === undefined ? null : line.slice(0, 200));
    });
  });
}

export function createProviderProbe(opts: ProviderProbeOptions): ProviderProbe {
  const timeoutMs = opts.timeoutMs ?? VERSION_TIMEOUT_MS;
  const versions = new Map<string, Promise<string | null>>();
  return {
    locate(def, extra) {
      const env: Env = { ...opts.env, ...def.env, ...extra };
      const program = def.command[0] ?? '';
      const path = resolveProgram(program, env.PATH);
      return path === null
        ? { installed: false, path: null, install_hint: installHint(def.name, program) }
        : { installed: true, path, install_hint: null };
    },
    async check(def: ProviderDef, extra?: Readonly<Record<string, string>>): Promise<ProviderAvailability> {
      const env: Env = { ...opts.env, ...def.env, ...extra };
      const program = def.command[0] ?? '';
      const path = resolveProgram(program, env.PATH);
      const creds = credentialsOf(def.name, env);
      if (path === null) {
        return {
          installed: false,
          path: null,
          version: null,
          install_hint: installHint(def.name, program),
          ...creds,
        };
      }
      let version = versions.get(path);
      if (version === undefined) {
        version = programVersion(path, env, timeoutMs);
        versions.set(path, version);
      }
      return { installed: true, path, version: await version, install_hint: null, ...creds };
    },
  };
}
