/**
 * The mark aicoder puts on every process it starts for a coder: `AICODER_CODER_ID=<id>` in the
 * environment (agents, setup and teardown commands, checks). Children inherit it, also across
 * `setsid` and `cd`, so it finds a coder's processes that left its process group and its worktree.
 * A process that removes the variable from its own environment is not recognised (docs/security.md).
 */

/** The environment variable that marks a coder's processes. */
export const CODER_ID_VAR = 'AICODER_CODER_ID';

const MARK = Buffer.from(`${CODER_ID_VAR}=`);

/** The AICODER_CODER_ID value in a NUL-separated environment block (/proc/<pid>/environ), or null. */
export function coderIdInEnviron(environ: Buffer): string | null {
  let at = 0;
  while (at < environ.length) {
    const end = environ.indexOf(0, at);
    const stop = end === -1 ? environ.length : end;
    if (stop - at > MARK.length && environ.subarray(at, at + MARK.length).equals(MARK)) {
      return environ.subarray(at + MARK.length, stop).toString('utf8');
    }
    at = stop + 1;
  }
  return null;
}
