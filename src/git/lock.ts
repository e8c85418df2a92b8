/**
 * A keyed mutex. Git races with itself on one repository: concurrent `git worktree add`s read each
 * other's half-written `.git/worktrees/<id>` entries ("failed to read …/commondir"), and
 * `git worktree remove`/`prune` delete `.git/worktrees` when it empties, under a concurrent add.
 * So worktree changes on one repository run one at a time.
 */
export interface KeyedLock {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<void>>();
  return {
    async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const tail = prev.then(() => mine);
      tails.set(key, tail);
      await prev;
      try {
        return await fn();
      } finally {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      }
    },
  };
}
