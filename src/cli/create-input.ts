/**
 * `create`'s input from its options, checked with the contract's create schema (src/protocol), so
 * the CLI refuses what the daemon would, with the same rule, before a daemon is asked. Loaded only
 * by `create` (it loads zod; other commands start without it).
 */
import { z, type ZodTypeAny } from 'zod';
import type { CreateCoderInput } from '../core/api.js';
import { AicoderError } from '../core/errors.js';
import { createInput, formatIssues, query } from '../protocol/index.js';

/** `create`'s options whose names differ from the create fields they set (commander's camelCase keys). */
const OPTION_FIELDS: Readonly<Record<string, string>> = {
  base: 'base_ref',
  timeout: 'timeout_s',
  maxTurns: 'max_turns',
  budgetUsd: 'budget_usd',
  keepProcesses: 'keep_processes',
  reviewBy: 'review_by',
};

/** The command-line spelling of a create field ("timeout_s" → "--timeout"). */
export function optionOf(field: string): string {
  const key = Object.keys(OPTION_FIELDS).find((k) => OPTION_FIELDS[k] === field) ?? field;
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The create schema over text: number fields take their value as written on the command line. */
const fromText = createInput.extend(
  Object.fromEntries(
    Object.entries(createInput.shape as Record<string, ZodTypeAny>).map(([k, s]) => [k, query(s)]),
  ),
) as unknown as z.ZodType<CreateCoderInput, z.ZodTypeDef, unknown>;

/**
 * Every option that names a create field (directly or through OPTION_FIELDS) is copied into the
 * input, and the whole input checked. A refusal is invalid_input naming the option ("--timeout must
 * be a number of seconds greater than 0 and at most 604800 (7 days)").
 */
export function createInputFrom(opts: object, base: { task: string; repo: string }): CreateCoderInput {
  const fields = createInput.shape as Record<string, unknown>;
  const input: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(opts)) {
    const field = OPTION_FIELDS[key] ?? key;
    if (value !== undefined && field in fields && !(field in base)) input[field] = value;
  }
  const r = fromText.safeParse(input);
  if (r.success) return r.data;
  const { field, message } = formatIssues(r.error, { root: 'input' });
  const top = field.replace(/[[.].*$/, '');
  const named = top in base || !(top in fields) ? message : message.replace(top, optionOf(top));
  throw new AicoderError('invalid_input', named, { field });
}
