/** The prompt telling an agent about its coder endpoint (templates/prompts/coder.md, shipped). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/ports.js';

export function coderPromptPath(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('../../templates/prompts/coder.md', moduleUrl));
}

/** The template text ({coder_id} is filled per coder), or undefined when it cannot be read. */
export function loadCoderPrompt(log: Logger): string | undefined {
  try {
    return readFileSync(coderPromptPath(), 'utf8').trim();
  } catch (e) {
    log('warn', 'coder prompt template missing; agents are not told about their endpoint', {
      error: e instanceof Error ? e.message : String(e),
    });
    return undefined;
  }
}
