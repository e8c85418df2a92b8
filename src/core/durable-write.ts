/**
 * Writing a small file so that a crash (kill -9, power loss) leaves either the old content or the
 * new, never a part: the text goes to `<file>.tmp-<pid>` (mode 0600), is fsynced, and is renamed
 * over the file (rename(2) is atomic within a filesystem). For the journals a restart reads:
 * create intents (create-intent.ts) and merge intents (git/merge-journal.ts). Errors are thrown as
 * node:fs raises them.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export function writeFileDurably(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
