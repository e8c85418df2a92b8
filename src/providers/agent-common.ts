/**
 * Helpers shared by the agent adapters' parsers (claude, codex, gemini, opencode, aider): reading a
 * JSON line without trusting its shape, one-line summaries of tool inputs, and the `raw` event.
 *
 * Every adapter maps its CLI's events to these kinds (a ParsedEvent's `kind`):
 *   session_started · assistant · reasoning · user · tool_call · tool_result · file_change · todo ·
 *   usage · result · error · status · raw
 * `raw` is anything not understood (a new event type of a newer CLI, a non-JSON line, stderr); its
 * text is the line itself. Every other event's text is one readable line.
 */
import type { ParsedEvent } from '../core/ports.js';
import { clipMessage } from './text-parser.js';

/** Text of a log line made from an event (tool output, long inputs) is clipped to this. */
export const EVENT_TEXT_MAX = 500;

export type Json = Record<string, unknown>;

/** The line as a JSON object, or null (not JSON, or JSON that is not an object). */
export function jsonObject(line: string): Json | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(t);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

export function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function rec(x: unknown): Json {
  return isRecord(x) ? x : {};
}

export function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** A finite number, or 0. */
export function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

export function raw(line: string): ParsedEvent {
  return { kind: 'raw', text: line };
}

/** Collapses whitespace to single spaces and clips: a readable one-line text. */
export function oneLine(text: string, max = EVENT_TEXT_MAX): string {
  return clipMessage(text.replace(/\s+/g, ' ').trim(), max);
}

/** Keys that name what a tool acts on, most telling first. */
const SUMMARY_KEYS = [
  'file_path',
  'filePath',
  'path',
  'notebook_path',
  'command',
  'cmd',
  'pattern',
  'query',
  'url',
  'description',
  'prompt',
];

/**
 * A short summary of a tool input: the value of its most telling key ("hello.txt", "npm test"),
 * else compact JSON, one line, clipped.
 */
export function summarizeInput(input: unknown, max = 160): string {
  if (typeof input === 'string') return oneLine(input, max);
  const r = rec(input);
  for (const k of SUMMARY_KEYS) {
    const v = r[k];
    if (typeof v === 'string' && v !== '') return oneLine(v, max);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return oneLine(v.join(' '), max);
  }
  const json = JSON.stringify(input ?? null);
  return oneLine(json === '{}' ? '' : json, max);
}

/** "name summary" without a dangling space. */
export function callText(name: string, input: unknown): string {
  const summary = summarizeInput(input);
  return summary === '' ? name : `${name} ${summary}`;
}

/** Tool names (lowercased) whose successful result means a file was written. */
export const FILE_WRITING_TOOLS = new Set([
  'write',
  'edit',
  'multiedit',
  'notebookedit',
  'write_file',
  'replace',
  'edit_file',
  'patch',
  'apply_patch',
]);

/** The path a file-writing tool input names, if any. */
export function pathOf(input: unknown): string {
  const r = rec(input);
  return str(r.file_path) || str(r.filePath) || str(r.notebook_path) || str(r.path);
}

/**
 * The human message inside an API error text such as
 * `[API Error: {"error":{"code":500,"message":"boom","status":"INTERNAL"}}]`; the text itself when
 * it holds no JSON error.
 */
export function apiErrorMessage(text: string): string {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return text;
  try {
    const v: unknown = JSON.parse(text.slice(start, end + 1));
    const e = rec(rec(v).error);
    const msg = str(e.message) || str(rec(v).message);
    if (msg === '') return text;
    const prefix = text.slice(0, start).replace(/^\[/, '').trim();
    const code = typeof e.code === 'number' ? `${e.code} ` : '';
    return `${prefix === '' ? '' : `${prefix} `}${code}${msg}`;
  } catch {
    return text;
  }
}
