/**
 * The bubblewrap sandbox (https://github.com/containers/bubblewrap, Debian package `bubblewrap`):
 * the agent's whole process tree, without any capability (also when the daemon runs as root), sees
 * the host's file system read-only, except
 *   - its worktree,
 *   - what a commit from the worktree writes in the repository's git directory (the worktree's own
 *     admin dir, the object store, the folder of the branch's ref and of its reflog),
 *   - a private /tmp (a per-coder folder of the daemon's, bound at /tmp),
 *   - the agent CLI's state folders (the provider file's `state_paths`).
 * With network `off` it gets a network namespace of its own (loopback only) — see docs/sandbox.md
 * for what that does and does not reach. No pid namespace: the daemon signals and lists the agent's
 * processes as before, and they outlive a daemon restart.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { AicoderError } from '../core/errors.js';
import type { SandboxedRun, SandboxPort, SandboxRequest } from '../core/sandbox.js';
import { INSIDE_SOCKET_DIR, loopbackPorts, SOCKET_SUBDIR } from './net-relay.js';

const run = promisify(execFile);

export interface BwrapSandboxOptions {
  /** The program name looked up on the run's PATH (default "bwrap"). */
  program?: string;
}

export function createBwrapSandbox(opts: BwrapSandboxOptions = {}): SandboxPort {
  return new BwrapSandbox(opts.program ?? 'bwrap');
}

class BwrapSandbox implements SandboxPort {
  /** bwrap binaries that already set up a sandbox once (the check costs a fork; refusals are not cached). */
  private readonly working = new Set<string>();

  constructor(private readonly program: string) {}

  async check(path: string, network: 'on' | 'off' = 'on'): Promise<void> {
    await this.bwrap(path, network);
  }

  private async bwrap(path: string, network: 'on' | 'off' = 'on'): Promise<string> {
    const bwrap = findOnPath(this.program, path);
    if (bwrap === null) {
      throw new AicoderError(
        'sandbox_unavailable',
        `sandbox "bwrap": '${this.program}' is not on the PATH (install bubblewrap, e.g. apt-get install bubblewrap)`,
        { field: 'sandbox' },
      );
    }
    const key = `${network} ${bwrap}`;
    if (!this.working.has(key)) {
      await checkBwrap(bwrap, network);
      this.working.add(key);
    }
    return bwrap;
  }

  async wrap(req: SandboxRequest, argv: readonly string[]): Promise<SandboxedRun> {
    const bwrap = await this.bwrap(req.env.PATH ?? '', req.sandbox.network);
    mkdirSync(req.tmp_dir, { recursive: true, mode: 0o700 });
    const git = await gitPaths(req.workspace, req.branch);
    const writable = [req.workspace, ...git.writable, ...expandStatePaths(req.state_paths, req.env)];
    // Read-only, but bound again in case they are under /tmp (hidden by the private tmp): the git
    // dir, HOME, and where the agent's program and the PATH's programs live (a checkout or tool
    // install under /tmp, e.g. node_modules/.bin of a clone in /tmp).
    const runPaths = [
      ...programPaths(argv[0] ?? '', req.env.PATH ?? ''),
      ...(req.env.PATH ?? '').split(delimiter),
    ];
    const readonly = [git.common, req.env.HOME ?? '', ...tmpTops(runPaths)].filter(
      (p) => isAbsolute(p) && existsSync(p),
    );
    const env = { ...req.env, TMPDIR: '/tmp' };
    if (req.sandbox.network === 'off') {
      // The relay (process/net-relay.ts) keeps the loopback ports the run's env names reachable.
      const node = process.execPath;
      const relay = fileURLToPath(new URL('./net-relay.js', import.meta.url));
      readonly.push(...tmpTops([node, relay]).filter((p) => existsSync(p)));
      const args = bwrapArgs({ readonly, writable, tmp: req.tmp_dir, network: 'off' });
      const ports = loopbackPorts(env).map(String);
      const outsideDir = join(req.tmp_dir, SOCKET_SUBDIR);
      return {
        argv: [
          ...[node, relay, 'outside', outsideDir, ...ports, '--'],
          ...[bwrap, ...args, '--'],
          ...[node, relay, 'inside', INSIDE_SOCKET_DIR, ...ports, '--'],
          ...argv,
        ],
        env,
      };
    }
    const args = bwrapArgs({ readonly, writable, tmp: req.tmp_dir, network: req.sandbox.network });
    return { argv: [bwrap, ...args, '--', ...argv], env };
  }
}

/**
 * bwrap's options for a sandbox: the root read-only, /dev and /proc of its own, `tmp` at /tmp, each
 * `readonly` path bound again read-only and then each `writable` path read-write at its own place (in
 * this order, so paths under /tmp stay visible), and `--unshare-net` for network off. Pure; paths
 * must exist.
 */
export function bwrapArgs(o: {
  readonly?: readonly string[];
  writable: readonly string[];
  tmp: string;
  network: 'on' | 'off';
}): string[] {
  // --cap-drop ALL: run by root, bwrap would otherwise keep every capability, and the agent could
  // simply remount / read-write.
  const args = ['--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  args.push('--bind', o.tmp, '/tmp');
  for (const p of new Set(o.readonly ?? [])) args.push('--ro-bind', p, p);
  const seen = new Set<string>();
  for (const p of o.writable) {
    if (seen.has(p)) continue;
    seen.add(p);
    args.push('--bind', p, p);
  }
  if (o.network === 'off') args.push('--unshare-net');
  return args;
}

/** `program` as found on `path`, and where its symlinks lead ([] when it is not found). */
function programPaths(program: string, path: string): string[] {
  const found = program === '' ? null : findOnPath(program, path);
  if (found === null) return [];
  try {
    return [found, realpathSync(found)];
  } catch {
    return [found];
  }
}

/**
 * For each absolute path under /tmp, the folder directly under /tmp that holds it (`/tmp/ci/x/y` →
 * `/tmp/ci`), so that binding it read-only keeps everything it refers to by relative path (a
 * node_modules tree, say) visible over the private /tmp. Paths elsewhere give nothing.
 */
export function tmpTops(paths: readonly string[]): string[] {
  const tops = new Set<string>();
  for (const p of paths) {
    const m = /^\/tmp\/([^/]+)/.exec(p);
    if (m) tops.add(`/tmp/${m[1]}`);
  }
  return [...tops];
}

/** A program's absolute path on `path` (a PATH value), or null. A name with a slash is taken as is. */
export function findOnPath(program: string, path: string): string | null {
  if (program.includes('/')) return isExecutable(program) ? resolve(program) : null;
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, program);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Runs `true` in a minimal sandbox: bwrap that cannot make namespaces fails here, with its reason. */
async function checkBwrap(bwrap: string, network: 'on' | 'off'): Promise<void> {
  try {
    const args = ['--cap-drop', 'ALL', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
    // network off: the network namespace too (refused where unprivileged user namespaces lack it).
    if (network === 'off') args.push('--unshare-net');
    await run(bwrap, [...args, '--', 'true'], {
      timeout: 15_000,
    });
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    const why = (err.stderr ?? '').trim() || err.message || String(e);
    throw new AicoderError(
      'sandbox_unavailable',
      `sandbox "bwrap"${network === 'off' ? ' with network off' : ''}: ${bwrap} refused to set up a sandbox: ${why.split('\n')[0]}`,
      { field: 'sandbox', cause: e },
    );
  }
}

/**
 * The repository's git directory (`common`, read-only) and the parts of it that `git commit` in the
 * worktree writes (`writable`): the
 * worktree's admin dir (HEAD, index, its reflog), the shared object store, and the folders holding
 * the branch's ref and its reflog (a ref update writes `<ref>.lock` beside the ref). Folders that do
 * not exist yet are made, so they can be bound.
 */
export async function gitPaths(
  workspace: string,
  branch: string,
): Promise<{ common: string; writable: string[] }> {
  let out: string;
  try {
    ({ stdout: out } = await run(
      'git',
      ['-C', workspace, 'rev-parse', '--path-format=absolute', '--git-dir', '--git-common-dir'],
      { timeout: 30_000 },
    ));
  } catch (e) {
    throw new AicoderError('sandbox_unavailable', `sandbox "bwrap": ${workspace} is not a git worktree`, {
      field: 'sandbox',
      cause: e,
    });
  }
  const [gitDir, common] = out.trim().split('\n');
  if (!gitDir || !common) {
    throw new AicoderError('internal', `git rev-parse gave no git dir for ${workspace}`);
  }
  const refDir = dirname(join(common, 'refs', 'heads', branch));
  const logDir = dirname(join(common, 'logs', 'refs', 'heads', branch));
  for (const d of [refDir, logDir]) mkdirSync(d, { recursive: true });
  return { common, writable: [gitDir, join(common, 'objects'), refDir, logDir] };
}

/**
 * The provider's `state_paths`, expanded: a leading `~` is the run's HOME, `$VAR` / `${VAR}` the
 * run's variables. An entry naming an unset variable is skipped. An entry ending in `/` is a folder,
 * made when missing; any other entry is bound only when it exists (a file, such as `~/.claude.json`).
 */
export function expandStatePaths(
  entries: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    let unset = false;
    let p = entry.replace(/^~(?=\/|$)/, () => {
      const h = env.HOME;
      if (h === undefined || h === '') unset = true;
      return h ?? '';
    });
    p = p.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_m, a?: string, b?: string) => {
        const v = env[(a ?? b)!];
        if (v === undefined || v === '') unset = true;
        return v ?? '';
      },
    );
    if (unset || !isAbsolute(p)) continue;
    const folder = p.endsWith('/');
    p = resolve(p);
    if (p === '/') continue;
    if (folder) mkdirSync(p, { recursive: true, mode: 0o700 });
    if (existsSync(p)) out.push(p);
  }
  return out;
}
