/**
 * Per-coder endpoint tokens. Each coder's token is HMAC-SHA256(home secret, coder id): unguessable
 * without the secret (32 random bytes in AICODER_HOME/coder-secret, mode 0600, made once), the same
 * after a daemon restart (re-adopted agents keep working), and never stored in a record or shown by
 * the API. The agent gets it inside its endpoint URL (/coder/<id>/<token>/mcp); a Bearer header with
 * the token is accepted too.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { coderDir } from '../core/paths.js';
import { CODER_MCP_NAME } from '../core/coder-argv.js';
import type { CoderEndpoint } from '../core/manager-deps.js';
import { geminiOverlayHome } from '../providers/gemini-home.js';

export interface CoderTokens extends CoderEndpoint {
  /** True only for this coder's own token (constant-time comparison). */
  verify(coderId: string, token: string | undefined): boolean;
}

function loadSecret(home: string): Buffer {
  const file = join(home, 'coder-secret');
  try {
    const s = readFileSync(file);
    if (s.length >= 32) return s;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32);
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file); // another process made it first
  }
}

export function coderTokens(home: string, port: number): CoderTokens {
  const secret = loadSecret(home);
  const token = (id: string): string => createHmac('sha256', secret).update(`coder:${id}`).digest('hex');
  return {
    token,
    url: (id) => `http://127.0.0.1:${port}/coder/${id}/${token(id)}/mcp`,
    endpoint: (id) => `http://127.0.0.1:${port}/coder/${id}/mcp`,
    mcpConfigFile(id, config) {
      const dir = coderDir(home, id);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, 'mcp-config.json');
      writeFileSync(file, config, { mode: 0o600 });
      chmodSync(file, 0o600);
      return file;
    },
    geminiHome(id, env, timeoutMs) {
      return geminiOverlayHome({
        dir: join(coderDir(home, id), 'gemini-home'),
        env,
        name: CODER_MCP_NAME,
        httpUrl: `http://127.0.0.1:${port}/coder/${id}/mcp`,
        tokenEnv: 'AICODER_MCP_TOKEN',
        timeoutMs,
      });
    },
    verify(id, given) {
      if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
      return timingSafeEqual(Buffer.from(token(id), 'hex'), Buffer.from(given, 'hex'));
    },
  };
}
