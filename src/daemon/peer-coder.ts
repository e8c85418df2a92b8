/**
 * Is the process at the other end of a connection one of the coders' (Linux)? A coder runs as the
 * owner's uid, so the uid check lets it in, and a coder that reads AICODER_HOME/owner-token from disk
 * would pass the token check too. The daemon marks every agent process with AICODER_CODER_ID in its
 * environment, and children inherit it. So: among the owner's processes (proc(5):
 * /proc/<pid>/environ is readable by the process's own user only), those whose environment holds
 * AICODER_CODER_ID are the coders'; the one holding an fd that is `socket:[<inode>]` (from
 * /proc/<pid>/fd, the inode being the connection's /proc/net/tcp entry, see peer-uid.ts) made the
 * connection. Only those processes' fds are read, so a check costs one small read per process.
 * A process that removed the variable from its own environment is not recognised (docs/security.md).
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { coderIdInEnviron } from '../process/environ.js';

export { coderIdInEnviron };

async function holdsSocket(pid: string, target: string): Promise<boolean> {
  let fds: string[];
  try {
    fds = await readdir(`/proc/${pid}/fd`);
  } catch {
    return false; // gone, or not ours
  }
  for (const fd of fds) {
    try {
      if ((await readlink(`/proc/${pid}/fd/${fd}`)) === target) return true;
    } catch {
      /* closed meanwhile */
    }
  }
  return false;
}

/**
 * The coder id (AICODER_CODER_ID) of the process holding the socket with this inode, or null when
 * no coder-marked process holds it (the owner's CLI, TUI or MCP client) or /proc cannot tell.
 * `selfPid` (the daemon) is skipped: it holds the server's end. Never throws.
 */
export async function coderOfSocket(inode: number, selfPid = process.pid): Promise<string | null> {
  if (process.platform !== 'linux' || inode <= 0) return null;
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n) && Number(n) !== selfPid);
  } catch {
    return null;
  }
  const target = `socket:[${inode}]`;
  const marked = await Promise.all(
    pids.map(async (pid) => {
      try {
        return { pid, id: coderIdInEnviron(await readFile(`/proc/${pid}/environ`)) };
      } catch {
        return { pid, id: null }; // another user's process, or gone
      }
    }),
  );
  for (const { pid, id } of marked) {
    if (id !== null && (await holdsSocket(pid, target))) return id;
  }
  return null;
}
