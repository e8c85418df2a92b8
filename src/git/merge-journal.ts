/**
 * The merge journal: a merge that moves a checkout (the user's files) writes what it is about to do
 * to AICODER_HOME/journal/merge-<hash>.json before git touches a file, and deletes it once the branch
 * and the files hold the result. Git cannot swap thousands of files at once, so a crash (kill -9,
 * power loss) can leave the checkout half-updated; the next daemon finds the journal and finishes the
 * merge (or rolls it back when the result is gone), and says which. Files are written atomically
 * (temp file, fsync, rename: core/durable-write.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { copyFile, lstat, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { writeFileDurably } from '../core/durable-write.js';
import type { MergeRecovery } from '../core/worktree-types.js';
import { gitMessage, splitZ, type GitRunner } from './exec.js';

export interface MergeIntent {
  version: 1;
  coder_id: string | null;
  repo: string;
  checkout: string;
  /** Full ref name (refs/heads/…) of the base branch. */
  base_ref: string;
  before: string;
  after: string;
  /** pid of the git process moving the checkout (set once it runs). */
  git_pid: number | null;
  started_at: string;
}

export interface MergeJournal {
  write(intent: MergeIntent): string;
  update(file: string, intent: MergeIntent): void;
  done(file: string): void;
  pending(): { file: string; intent: MergeIntent }[];
}

/** The journal in `dir` (created on first write). */
export function mergeJournal(dir: string): MergeJournal {
  return {
    write(intent) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const key = createHash('sha256')
        .update(`${intent.checkout}\0${intent.base_ref}`)
        .digest('hex')
        .slice(0, 16);
      const file = join(dir, `merge-${key}.json`);
      writeFileDurably(file, JSON.stringify(intent, null, 2) + '\n');
      return file;
    },
    update(file, intent) {
      writeFileDurably(file, JSON.stringify(intent, null, 2) + '\n');
    },
    done(file) {
      rmSync(file, { force: true });
    },
    pending() {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => /^merge-[0-9a-f]+\.json$/.test(n));
      } catch {
        return [];
      }
      const out: { file: string; intent: MergeIntent }[] = [];
      for (const n of names.sort()) {
        const file = join(dir, n);
        try {
          out.push({ file, intent: JSON.parse(readFileSync(file, 'utf8')) as MergeIntent });
        } catch {
          rmSync(file, { force: true }); // a torn temp write never renames; a bad file is useless
        }
      }
      return out;
    },
  };
}

function alive(pid: number | null): boolean {
  if (pid === null || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('git');
  } catch {
    return false;
  }
}

async function rev(git: GitRunner, cwd: string, ref: string): Promise<string | null> {
  const r = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

/** path → blob id of every file of a commit. */
async function blobs(git: GitRunner, cwd: string, commit: string): Promise<Map<string, string>> {
  // Argv git, not simple-git: it has no ls-tree parser.
  const r = await git(['ls-tree', '-r', '-z', '--full-tree', commit], { cwd });
  const out = new Map<string, string>();
  for (const rec of splitZ(r.stdout)) {
    const tab = rec.indexOf('\t');
    const [, type, oid] = rec.slice(0, tab).split(' ');
    if (type === 'blob') out.set(rec.slice(tab + 1), oid!);
  }
  return out;
}

/**
 * Finishes (or rolls back) one interrupted merge. Safe to run on a merge that in fact completed.
 * Refuses to touch files outside the merge that changed; merge files holding content of neither side
 * (a write cut short, or an edit since) are copied to `backupDir` before being overwritten.
 */
export async function recoverMerge(
  git: GitRunner,
  intent: MergeIntent,
  maxWaitMs = 600_000,
  backupDir?: string,
): Promise<MergeRecovery> {
  let kept = '';
  const { checkout, base_ref, before, after } = intent;
  const base = {
    coder_id: intent.coder_id,
    checkout,
    base_ref: base_ref.replace(/^refs\/heads\//, ''),
    before,
    after,
  };
  const say = (outcome: MergeRecovery['outcome'], message: string): MergeRecovery => ({
    ...base,
    outcome,
    message,
  });
  // The git of the interrupted daemon may still be running (kill -9 of the daemon alone): let it end.
  const deadline = Date.now() + maxWaitMs;
  while (alive(intent.git_pid) && Date.now() < deadline) await delay(100);
  if (alive(intent.git_pid)) {
    return say(
      'untouched',
      `git (pid ${intent.git_pid}) is still moving ${checkout}; nothing was changed, merge again later`,
    );
  }
  if ((await lstat(checkout).catch(() => null)) === null) {
    return say('untouched', `the checkout ${checkout} is gone`);
  }
  const gitDir = (await git(['rev-parse', '--absolute-git-dir'], { cwd: checkout })).stdout.trim();
  const lock = join(gitDir, 'index.lock');
  if (intent.git_pid !== null && (await lstat(lock).catch(() => null)) !== null) {
    await rm(lock, { force: true }); // left by the git that was killed with the daemon
  }
  const tip = await rev(git, checkout, base_ref);
  const afterExists = (await rev(git, checkout, after)) !== null;
  if (tip !== before && tip !== after) {
    return say(
      'untouched',
      `${base.base_ref} moved to ${tip ?? 'nothing'} since; the checkout was left as it is`,
    );
  }
  const target = afterExists ? after : before;
  // Files the merge could have written: those that differ between the two sides.
  const [b, a] = await Promise.all([
    blobs(git, checkout, before),
    blobs(git, checkout, afterExists ? after : before),
  ]);
  const touched = new Set<string>();
  for (const [p, oid] of b) if (a.get(p) !== oid) touched.add(p);
  for (const p of a.keys()) if (!b.has(p)) touched.add(p);
  // Files that differ from the index now: every one must be a merge path holding one side's content.
  // Argv git, not simple-git: diff-files against the index (status would also list untracked files, unwanted here).
  await git(['update-index', '-q', '--refresh'], { cwd: checkout });
  const diff = await git(['diff-files', '--name-only', '-z'], { cwd: checkout });
  const changed = splitZ(diff.stdout);
  const foreign = changed.filter((p) => !touched.has(p));
  if (foreign.length > 0) {
    return say(
      'untouched',
      `${foreign.length} file(s) outside the merge have changes of their own (${foreign.slice(0, 3).join(', ')}); nothing was changed`,
    );
  }
  const present: string[] = [];
  for (const p of changed) {
    const st = await lstat(resolve(checkout, p)).catch(() => null);
    // Deleted (either side's absence) and symlinks (hash-object would follow them) need no check.
    if (st !== null && st.isFile() && (a.has(p) || b.has(p))) present.push(p);
  }
  if (present.length > 0) {
    const h = await git(['hash-object', '--stdin-paths'], {
      cwd: checkout,
      input: present.map((p) => resolve(checkout, p)).join('\n') + '\n',
    });
    const ids = h.stdout.split('\n');
    const mine: string[] = [];
    for (const [i, p] of present.entries()) {
      const id = ids[i];
      if (id !== a.get(p) && id !== b.get(p)) mine.push(p);
    }
    if (mine.length > 0) {
      // A write cut short by the crash (or an edit since): keep a copy of each before overwriting.
      const keep = join(
        backupDir ?? join(gitDir, 'aicoder-recovered'),
        new Date().toISOString().replace(/[:.]/g, '-'),
      );
      for (const p of mine) {
        await mkdir(dirname(join(keep, p)), { recursive: true });
        await copyFile(resolve(checkout, p), join(keep, p));
      }
      kept = ` (${mine.length} file(s) held content of neither side, a write cut short or an edit since: copies kept in ${keep})`;
    }
  }
  const rt = await git(['read-tree', '--reset', '-u', target], { cwd: checkout });
  if (rt.exitCode !== 0) return say('untouched', `git read-tree failed: ${gitMessage(rt)}`);
  if (tip !== target) {
    const ur = await git(
      ['update-ref', '-m', 'aicoder: finish an interrupted merge', base_ref, target, tip],
      {
        cwd: checkout,
      },
    );
    if (ur.exitCode !== 0) return say('untouched', `git update-ref failed: ${gitMessage(ur)}`);
  }
  return afterExists
    ? say(
        'finished',
        `finished the merge interrupted by a crash: ${base.base_ref} and ${checkout} are at ${after.slice(0, 12)}${kept}`,
      )
    : say(
        'rolled_back',
        `rolled back the merge interrupted by a crash (its result ${after.slice(0, 12)} is gone): ${base.base_ref} and ${checkout} are at ${before.slice(0, 12)}`,
      );
}
