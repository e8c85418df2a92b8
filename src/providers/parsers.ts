/**
 * Output parsers by the name a provider definition gives in its `parser` key. Add an entry per
 * parser; each factory returns a fresh instance (parsers may keep per-run state).
 */
import type { OutputParser, ParserContext } from '../core/ports.js';
import { createAiderParser } from './aider.js';
import { createClaudeParser } from './claude.js';
import { createCodexParser } from './codex.js';
import { createGeminiParser } from './gemini.js';
import { createOpenCodeParser } from './opencode.js';
import { createTextParser } from './text-parser.js';

export type ParserFactory = (ctx?: ParserContext) => OutputParser;

export const PARSERS: Readonly<Record<string, ParserFactory>> = {
  text: createTextParser,
  claude: createClaudeParser,
  // Codex reports the thread's running token totals: a resumed run starts from the coder's stats.
  codex: (ctx) => createCodexParser(ctx ? { baseline: ctx.stats } : {}),
  gemini: createGeminiParser,
  opencode: createOpenCodeParser,
  aider: createAiderParser,
};
