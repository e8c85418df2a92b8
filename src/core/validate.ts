/**
 * Core's input checks. Each field's rule lives in the contract (src/protocol/fields.ts) and is
 * checked with its schema; what stays here are the rules that span several fields (a message that is
 * required for some actions only) and the entry points core's callers use.
 */
import type { ZodType, ZodTypeDef } from 'zod';
import { createInput, formatIssues, relativePathProblem, MAX_MESSAGE_CHARS } from '../protocol/index.js';
import type { CreateCoderInput } from './api.js';
import { AicoderError } from './errors.js';

export { MAX_TASK_CHARS, MAX_WORKSPACE_FILES, MAX_MESSAGE_CHARS } from '../protocol/limits.js';

/**
 * `input` checked against `schema`; otherwise an invalid_input AicoderError whose message names
 * every bad field and its rule (protocol's formatIssues) and whose `field` is the first of them.
 * `root` names the whole input when it is itself wrong ("body", "query", "arguments").
 */
export function parseInput<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown, root: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const { field, message } = formatIssues(r.error, { root });
  throw new AicoderError('invalid_input', message, { field });
}

/** A required message text: `missing` is the error when it is absent or blank. */
export function requireMessage(message: unknown, missing: string): asserts message is string {
  if (typeof message !== 'string' || message.trim() === '') {
    throw new AicoderError('invalid_input', missing, { field: 'message' });
  }
  if (message.length > MAX_MESSAGE_CHARS) {
    throw new AicoderError('invalid_input', `message must be 1–${MAX_MESSAGE_CHARS} characters`, {
      field: 'message',
    });
  }
}

/** A repo- or worktree-relative path: no absolute paths, no '..' segments, no NUL. */
export function checkRelativePath(field: string, p: string): void {
  const problem = relativePathProblem(p);
  if (problem !== null) throw new AicoderError('invalid_input', `${field} ${problem}`, { field });
}

/** A create's input, against the contract's create schema (every field's rule, unknown fields). */
export function validateCreate(input: CreateCoderInput): void {
  parseInput(createInput, input, 'input');
}
