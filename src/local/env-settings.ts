/**
 * AICODER_HOME and AICODER_PORT from the environment. Apart from config.ts (config.json, zod) so
 * that a CLI call to a running daemon loads neither.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AicoderError } from '../core/errors.js';

export const DEFAULT_PORT = 7777;

export interface EnvSettings {
  home: string;
  port: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** AICODER_HOME (default ~/.aicoder) and AICODER_PORT (default 7777). */
export function loadEnvSettings(env: Env = process.env): EnvSettings {
  const rawHome = env.AICODER_HOME;
  const home = rawHome !== undefined && rawHome !== '' ? resolve(rawHome) : join(homedir(), '.aicoder');
  const rawPort = env.AICODER_PORT;
  let port = DEFAULT_PORT;
  if (rawPort !== undefined && rawPort !== '') {
    if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      throw new AicoderError(
        'invalid_input',
        `AICODER_PORT must be an integer from 1 to 65535 (got "${rawPort}")`,
        {
          field: 'AICODER_PORT',
        },
      );
    }
    port = Number(rawPort);
  }
  return { home, port };
}
