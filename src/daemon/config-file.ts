/**
 * Reading AICODER_HOME/config.json as JSON, apart from its validation (config.ts, zod): the daemon
 * reads the file before it listens and validates it while it loads the manager, so that its first
 * /health answer does not wait for zod and the protocol schemas (docs/performance.md, figure 9).
 */
import { AicoderError } from '../core/errors.js';
import { readJsonFileSync } from '../core/json-file.js';
import { homeLayout } from '../core/paths.js';

/** config.json's path and its JSON object; `json` null when the file does not exist. */
export interface ConfigFile {
  file: string;
  json: Record<string, unknown> | null;
}

/** Reads config.json; throws invalid_input naming the file when it is unreadable, not JSON or not an object. */
export function readConfigFile(home: string): ConfigFile {
  const file = homeLayout(home).config;
  const json = readJsonFileSync(file);
  if (json === undefined) return { file, json: null };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new AicoderError('invalid_input', `${file}: must be a JSON object`, { field: file });
  }
  return { file, json: json as Record<string, unknown> };
}
