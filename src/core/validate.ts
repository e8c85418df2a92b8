/** Input rules shared by every surface. Messages name the field and the rule. */
import { isAbsolute } from 'node:path';
import type { CreateCoderInput } from './api.js';
import { AicoderError } from './errors.js';
import { checkSandboxMode } from './sandbox.js';

export const MAX_TASK_CHARS = 20_000;
export const MAX_WORKSPACE_FILES = 50;
/** Follow-up messages, answers and commit messages share the task's limit. */
export const MAX_MESSAGE_CHARS = MAX_TASK_CHARS;

/** A required message text: `missing` is the error when it is absent or blank. */
export function requireMessage(message: unknown, missing: string): asserts message is string {
  if (typeof message !== 'string' || message.trim() === '') {
    throw new AicoderError('invalid_input', missing, { field: 'message' });
  }
  if (message.length > MAX_MESSAGE_CHARS) {
    throw new AicoderError('invalid_input', `message must be at most ${MAX_MESSAGE_CHARS} characters`, {
      field: 'message',
    });
  }
}

function bad(field: string, rule: string): AicoderError {
  return new AicoderError('invalid_input', `${field} ${rule}`, { field });
}

function optString(input: Record<string, unknown>, field: string, max: number): void {
  const v = input[field];
  if (v === undefined || v === null) return;
  if (typeof v !== 'string') throw bad(field, 'must be a string');
  if (v.length === 0) throw bad(field, 'must not be empty');
  if (v.length > max) throw bad(field, `must be at most ${max} characters (got ${v.length})`);
  if (v.includes('\0')) throw bad(field, 'must not contain NUL characters');
}

/** A repo-relative path: no absolute paths, no '..' segments, no NUL. */
export function checkRelativePath(field: string, p: string): void {
  if (p.length === 0) throw bad(field, 'must not be empty');
  if (p.includes('\0')) throw bad(field, 'must not contain NUL characters');
  if (isAbsolute(p) || /^[a-zA-Z]:[\\/]/.test(p)) throw bad(field, `must be a relative path (got '${p}')`);
  if (p.split(/[\\/]+/).includes('..')) throw bad(field, `must not contain '..' (got '${p}')`);
}

export function validateCreate(input: CreateCoderInput): void {
  const raw = input as unknown as Record<string, unknown>;
  if (typeof raw.task !== 'string') throw bad('task', 'is required and must be a string');
  if (raw.task.trim().length === 0) throw bad('task', 'must not be empty');
  if (raw.task.length > MAX_TASK_CHARS) {
    throw bad('task', `must be at most ${MAX_TASK_CHARS} characters (got ${raw.task.length})`);
  }
  if (raw.task.includes('\0')) throw bad('task', 'must not contain NUL characters');
  optString(raw, 'repo', 4096);
  optString(raw, 'provider', 40);
  optString(raw, 'model', 200);
  optString(raw, 'name', 100);
  optString(raw, 'base_ref', 255);
  optString(raw, 'branch', 255);
  if (typeof raw.base_ref === 'string' && raw.base_ref.startsWith('-')) {
    throw bad('base_ref', "must not start with '-'");
  }
  if (typeof raw.branch === 'string' && raw.branch.startsWith('-')) {
    throw bad('branch', "must not start with '-'");
  }
  if (raw.autostart !== undefined && typeof raw.autostart !== 'boolean') {
    throw bad('autostart', 'must be true or false');
  }
  if (raw.keep_processes !== undefined && typeof raw.keep_processes !== 'boolean') {
    throw bad('keep_processes', 'must be true or false');
  }
  if (raw.sandbox !== undefined) checkSandboxMode(raw.sandbox);
  const files = raw.workspace_files;
  if (files !== undefined) {
    if (!Array.isArray(files)) throw bad('workspace_files', 'must be a list of paths');
    if (files.length > MAX_WORKSPACE_FILES) {
      throw bad('workspace_files', `must name at most ${MAX_WORKSPACE_FILES} paths (got ${files.length})`);
    }
    files.forEach((f, i) => {
      if (typeof f !== 'string') throw bad(`workspace_files[${i}]`, 'must be a string');
      checkRelativePath(`workspace_files[${i}]`, f);
    });
  }
}
