/** Where things live under AICODER_HOME. Pure path arithmetic, shared by the daemon and the manager. */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';

export interface HomeLayout {
  home: string;
  db: string;
  config: string;
  daemonInfo: string;
  daemonLog: string;
  /** The owner token (docs/security.md): clients send it as `Authorization: Bearer <token>`. */
  ownerToken: string;
  userProviders: string;
  coders: string;
  worktrees: string;
}

export function homeLayout(home: string): HomeLayout {
  return {
    home,
    db: join(home, 'aicoder.db'),
    config: join(home, 'config.json'),
    daemonInfo: join(home, 'daemon.json'),
    daemonLog: join(home, 'daemon.log'),
    ownerToken: join(home, 'owner-token'),
    userProviders: join(home, 'providers'),
    coders: join(home, 'coders'),
    worktrees: join(home, 'worktrees'),
  };
}

/** AICODER_HOME/worktrees/<repo-name>-<short-hash>/<coder-id> */
export function worktreePath(home: string, repo: string, coderId: string): string {
  const hash = createHash('sha256').update(repo).digest('hex').slice(0, 8);
  return join(homeLayout(home).worktrees, `${basename(repo)}-${hash}`, coderId);
}

/** AICODER_HOME/coders/<coder-id>/run-<n> holds stdout.log, stderr.log and exit-status of one run. */
export function runDir(home: string, coderId: string, runNo: number): string {
  return join(homeLayout(home).coders, coderId, `run-${runNo}`);
}

export function coderDir(home: string, coderId: string): string {
  return join(homeLayout(home).coders, coderId);
}
