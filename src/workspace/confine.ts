/**
 * Confinement of repo-relative paths to a worktree. This is a security boundary: absolute paths,
 * '..' segments, NUL bytes, paths into .git and anything whose realpath (symlinks included, also in
 * parent directories) leaves the worktree's realpath are rejected with path_outside.
 */
import { constants } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { AicoderError } from '../core/errors.js';
import { worktreeGone } from '../git/gone.js';

function outside(path: string, why: string): AicoderError {
  return new AicoderError('path_outside', `path '${path}' is not allowed: ${why}`, { field: 'path' });
}

function notFound(path: string): AicoderError {
  return new AicoderError('not_found', `no such file in the worktree: ${path}`, { field: 'path' });
}

function isGitDir(segment: string): boolean {
  return segment.toLowerCase() === '.git';
}

/** Lexical checks; returns the normalized relative path (may be '' for the worktree itself). */
export function normalizeRelPath(relPath: string): string {
  if (typeof relPath !== 'string' || relPath.length === 0) {
    throw new AicoderError('invalid_input', 'path must be a non-empty repo-relative file path', {
      field: 'path',
    });
  }
  if (relPath.includes('\0')) throw outside(relPath.replace(/\0/g, '\\0'), 'it contains a NUL byte');
  if (isAbsolute(relPath) || relPath.startsWith('\\') || /^[A-Za-z]:/.test(relPath)) {
    throw outside(relPath, 'it must be relative to the worktree, not absolute');
  }
  const segments = relPath.split('/');
  if (segments.includes('..')) throw outside(relPath, "it must not contain '..' segments");
  if (segments.some(isGitDir)) throw outside(relPath, 'files inside .git are not part of the worktree');
  return segments.filter((s) => s !== '' && s !== '.').join('/');
}

/** Whether `real` lies inside `root` (both realpaths); returns the relative part or null. */
function inside(root: string, real: string): string | null {
  if (real === root) return '';
  if (!real.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel;
}

async function workspaceRoot(worktree: string): Promise<string> {
  try {
    return await realpath(worktree);
  } catch {
    throw worktreeGone(worktree);
  }
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined;
}

export interface ConfinedPath {
  /** Normalized repo-relative path as given. */
  rel: string;
  /** Realpath of the target, inside the worktree. */
  real: string;
  root: string;
}

/** Resolves `relPath` inside `workspace` or throws path_outside / not_found / invalid_input. */
export async function confine(worktree: string, relPath: string): Promise<ConfinedPath> {
  const rel = normalizeRelPath(relPath);
  const root = await workspaceRoot(worktree);
  if (rel === '') {
    throw new AicoderError('invalid_input', `path '${relPath}' is a directory, not a file`, {
      field: 'path',
    });
  }
  let real: string;
  try {
    real = await realpath(join(root, rel));
  } catch (e) {
    if (errCode(e) === 'ELOOP') throw outside(rel, 'it is a symbolic link loop');
    await checkDeepestAncestor(root, rel);
    throw notFound(rel);
  }
  const realRel = inside(root, real);
  if (realRel === null) throw outside(rel, 'it resolves outside the worktree');
  if (realRel.split(sep).some(isGitDir)) throw outside(rel, 'it resolves into .git');
  return { rel, real, root };
}

/** For a missing path: if its deepest existing ancestor resolves outside, say so (not "not found"). */
async function checkDeepestAncestor(root: string, rel: string): Promise<void> {
  const segs = rel.split('/');
  for (let n = segs.length - 1; n > 0; n--) {
    let real: string;
    try {
      real = await realpath(join(root, ...segs.slice(0, n)));
    } catch {
      continue;
    }
    if (inside(root, real) === null) throw outside(rel, 'it resolves outside the worktree');
    return;
  }
}

/**
 * Opens a confined regular file for reading without following a final symlink and without blocking
 * on FIFOs, then re-checks (Linux: /proc/self/fd) that what was opened is the confined file.
 */
export async function openConfined(
  c: ConfinedPath,
): Promise<{ fh: FileHandle; size: number; nlink: number }> {
  const st = await stat(c.real).catch((e: unknown) => {
    throw errCode(e) === 'ENOENT' ? notFound(c.rel) : e;
  });
  if (st.isDirectory()) {
    throw new AicoderError('invalid_input', `path '${c.rel}' is a directory, not a file`, { field: 'path' });
  }
  if (!st.isFile()) {
    throw new AicoderError('invalid_input', `path '${c.rel}' is not a regular file`, { field: 'path' });
  }
  let fh: FileHandle;
  try {
    fh = await open(c.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (errCode(e) === 'ELOOP') throw outside(c.rel, 'it changed into a symbolic link');
    if (errCode(e) === 'ENOENT') throw notFound(c.rel);
    throw e;
  }
  try {
    const fst = await fh.stat();
    if (!fst.isFile()) {
      throw new AicoderError('invalid_input', `path '${c.rel}' is not a regular file`, { field: 'path' });
    }
    if (process.platform === 'linux') {
      const opened = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => null);
      if (opened !== null && inside(c.root, opened) === null) {
        throw outside(c.rel, 'it resolves outside the worktree');
      }
    }
    return { fh, size: fst.size, nlink: fst.nlink };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/**
 * Throws path_outside unless `path` (which may not exist yet) stays inside `root` once every symlink
 * in its existing part is resolved: the deepest existing ancestor's realpath must lie inside root's.
 * For copying into and out of a checkout without following a symlinked folder out of it.
 */
export async function requireInside(root: string, path: string, field: string): Promise<void> {
  const realRoot = await realpath(root);
  let probe = path;
  for (;;) {
    let real: string | null = null;
    try {
      real = await realpath(probe);
    } catch (e) {
      if (errCode(e) === 'ELOOP') throw outsideField(path, field, 'it is a symbolic link loop');
    }
    if (real !== null) {
      if (inside(realRoot, real) === null) {
        throw outsideField(relative(root, path) || path, field, `it resolves outside ${root}`);
      }
      return;
    }
    const up = dirname(probe);
    if (up === probe) return;
    probe = up;
  }
}

function outsideField(path: string, field: string, why: string): AicoderError {
  return new AicoderError('path_outside', `path '${path}' is not allowed: ${why}`, { field });
}
