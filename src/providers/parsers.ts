/**
 * Output parsers by the name a provider definition gives in its `parser` key. Add an entry per
 * parser; each factory returns a fresh instance (parsers may keep per-run state).
 */
import type { OutputParser } from '../core/ports.js';
import { createTextParser } from './text-parser.js';

export type ParserFactory = () => OutputParser;

export const PARSERS: Readonly<Record<string, ParserFactory>> = {
  text: createTextParser,
};
