/** Error text and codes as the TUI shows them (AicoderError from the client, or anything thrown). */

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export function errorCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = e.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The remove guard refused (uncommitted work or unmerged commits): force may be offered. */
export function isGuardRefusal(e: unknown): boolean {
  const code = errorCode(e);
  return code === 'dirty_worktree' || code === 'unmerged_commits';
}
