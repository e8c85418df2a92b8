/**
 * Reading a JSON file a person writes (AICODER_HOME/config.json, a repository's .aicoder.json), with
 * one wording for its faults: an unreadable file or text that is not JSON is `invalid_input` naming
 * the file in the message and in `field`. A missing file is not a fault: it reads as `undefined`.
 * What the JSON must hold is the caller's schema's rule.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AicoderError } from './errors.js';

function unreadable(file: string, e: unknown): AicoderError {
  return new AicoderError('invalid_input', `${file}: cannot be read (${(e as Error).message})`, {
    field: file,
  });
}

function missing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The file's text parsed as JSON (RFC 8259, JSON.parse). */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AicoderError('invalid_input', `${file}: not valid JSON (${(e as Error).message})`, {
      field: file,
    });
  }
}

/** The JSON in `file`, or `undefined` when the file does not exist. */
export function readJsonFileSync(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (missing(e)) return undefined;
    throw unreadable(file, e);
  }
  return parseJsonText(text, file);
}

/** The JSON in `file`, or `undefined` when the file does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (missing(e)) return undefined;
    throw unreadable(file, e);
  }
  return parseJsonText(text, file);
}
