/**
 * Reading the owner token, shared by the daemon (daemon/owner-token.ts makes and checks it) and its
 * clients (local/ holds what both sides need, so that daemon/ imports no client/; docs/architecture.md).
 * The daemon makes it once per home: 32
 * random bytes as 64 hex characters in AICODER_HOME/owner-token, mode 0600, so only the user who
 * owns the home can read it. Every /api and /mcp request must carry it as
 * `Authorization: Bearer <token>` (RFC 6750); coders' environments never get it.
 */
import { readFileSync } from 'node:fs';
import { homeLayout } from '../core/paths.js';

/** The token format the daemon writes and accepts. */
export const OWNER_TOKEN_PATTERN = /^[0-9a-f]{64}$/;

/** The owner token of `home`, or null when there is none yet (no daemon ever ran) or it is unreadable. */
export function readOwnerToken(home: string): string | null {
  try {
    const t = readFileSync(homeLayout(home).ownerToken, 'utf8').trim();
    return OWNER_TOKEN_PATTERN.test(t) ? t : null;
  } catch {
    return null;
  }
}

/** `{authorization: "Bearer <token>"}`, or `{}` without a token. */
export function bearerHeaders(token: string | null | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * The headers an HTTP client of the daemon of `home` must send (for `aicoder mcp add` and any client
 * configuration): `{authorization: "Bearer <token>"}`, or `{}` when the home has no token yet.
 */
export function ownerAuthHeaders(home: string): Record<string, string> {
  return bearerHeaders(readOwnerToken(home));
}
