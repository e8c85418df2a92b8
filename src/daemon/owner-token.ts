/**
 * The owner token on the daemon side (docs/security.md): made once per home (32 random bytes, hex,
 * in AICODER_HOME/owner-token, mode 0600), kept across restarts, required on every /api and /mcp
 * request as `Authorization: Bearer <token>` (RFC 6750). It is what keeps coders (same user, but
 * whose environment never holds it) and other local users away from the daemon's API.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { OWNER_TOKEN_PATTERN, readOwnerToken } from '../local/owner-token.js';
import { homeLayout } from '../core/paths.js';

/** Returns the home's owner token, making it (0600) when there is none or it is malformed. */
export function ensureOwnerToken(home: string): string {
  const file = homeLayout(home).ownerToken;
  const existing = readOwnerToken(home);
  if (existing !== null) {
    chmodSync(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing malformed file keeps its old mode through writeFileSync
  return token;
}

/** The bearer token of an Authorization header value, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** True when `authorization` carries exactly `token` (constant-time comparison). */
export function checkOwnerToken(authorization: string | undefined, token: string): boolean {
  const given = bearerToken(authorization);
  if (given === undefined || !OWNER_TOKEN_PATTERN.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(token, 'hex'));
}
