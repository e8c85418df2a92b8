/**
 * One provider definition file: its schema (the format documented in docs/providers.md), validation
 * with messages that name the file and the key, and reading one file. Loading the directories and
 * overriding by name is registry.ts.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { sep } from 'node:path';
import { z } from 'zod';
import { AicoderError } from '../core/errors.js';
import type { ProviderDef } from '../core/ports.js';
import { COMMAND_PLACEHOLDERS, RESUME_PLACEHOLDERS, ATTACH_PLACEHOLDERS, placeholdersIn } from './argv.js';
import { PARSERS, type ParserFactory } from './parsers.js';
import { MAX_PROVIDER_CHARS } from '../protocol/limits.js';

/** A provider name; its length limit is the contract's (MAX_PROVIDER_CHARS, src/protocol/limits.ts). */
export const PROVIDER_NAME_RE = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${MAX_PROVIDER_CHARS - 1}}$`);
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A path as shown in messages: the home directory is written as "~". */
export function displayPath(path: string, home: string = homedir()): string {
  if (home !== '' && home !== sep && path.startsWith(home + sep)) return `~${path.slice(home.length)}`;
  return path;
}

function placeholderRule(allowed: readonly string[], where: string) {
  return (argv: string[], ctx: z.RefinementCtx): void => {
    argv.forEach((element, i) => {
      for (const name of placeholdersIn(element)) {
        if (allowed.includes(name)) continue;
        const hint =
          name === 'message' && where === 'command'
            ? '; {message} is only allowed in resume_command'
            : `; write {{${name}}} for a literal "{${name}}"`;
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [i],
          message: `unknown placeholder "{${name}}" (allowed: ${allowed.map((p) => `{${p}}`).join(' ')}${hint})`,
        });
      }
    });
    const first = argv[0];
    if (first !== undefined && (first === '' || placeholdersIn(first).length > 0)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [0],
        message: 'the program (first element) must be a non-empty literal, without placeholders',
      });
    }
  };
}

function argvSchema(allowed: readonly string[], where: string) {
  return z
    .array(z.string({ invalid_type_error: 'must be a string' }), {
      invalid_type_error: 'must be a non-empty array of strings',
    })
    .min(1, 'must be a non-empty array of strings')
    .superRefine(placeholderRule(allowed, where));
}

function providerSchema(parsers: Readonly<Record<string, ParserFactory>>) {
  const known = Object.keys(parsers).sort();
  return z
    .object({
      name: z
        .string({ invalid_type_error: 'must be a string' })
        .regex(
          PROVIDER_NAME_RE,
          `must be 1–${MAX_PROVIDER_CHARS} characters of a-z, 0-9, "_" and "-", starting with a letter or digit`,
        ),
      description: z.string({ invalid_type_error: 'must be a string' }).default(''),
      command: argvSchema(COMMAND_PLACEHOLDERS, 'command'),
      resume_command: argvSchema(RESUME_PLACEHOLDERS, 'resume_command').optional(),
      attach_command: argvSchema(ATTACH_PLACEHOLDERS, 'attach_command').optional(),
      env: z
        .record(z.string({ invalid_type_error: 'must be a string' }), {
          invalid_type_error: 'must be an object of string values',
        })
        .default({})
        .superRefine((env, ctx) => {
          for (const key of Object.keys(env)) {
            if (!ENV_NAME_RE.test(key)) {
              ctx.addIssue({
                code: z.ZodIssueCode.custom,
                path: [key],
                message:
                  'is not a valid environment variable name (letters, digits, "_"; not starting with a digit)',
              });
            }
          }
        }),
      state_paths: z
        .array(
          z
            .string({ invalid_type_error: 'must be a string' })
            .regex(/^(~|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\/)/, 'must start with "/", "~" or "$VAR"'),
          { invalid_type_error: 'must be an array of strings' },
        )
        .max(32)
        .optional(),
      sandbox_args: z
        .record(z.string({ invalid_type_error: 'must be a string' }), {
          invalid_type_error: 'must be an object of string values',
        })
        .optional(),
      estimate_cost: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
      coder_mcp_settings: z
        .enum(['gemini_cli_home'], { errorMap: () => ({ message: 'must be "gemini_cli_home"' }) })
        .optional(),
      read_only: z
        .object({
          tools: z.string({ invalid_type_error: 'must be a string' }).optional(),
          args: z
            .record(z.string({ invalid_type_error: 'must be a string' }), {
              invalid_type_error: 'must be an object of string values',
            })
            .optional(),
        })
        .strict()
        .optional(),
      parser: z
        .string({ invalid_type_error: 'must be a string' })
        .default('text')
        .refine(
          (p) => Object.hasOwn(parsers, p),
          (p) => ({ message: `must name a known parser: ${known.join(', ')} (got "${p}")` }),
        ),
    })
    .strict();
}

function keyPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

function describeValue(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let cur = raw;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

function formatIssue(issue: z.ZodIssue, raw: unknown): string {
  const key = keyPath(issue.path);
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    const where = key === '' ? '' : ` in "${key}"`;
    return issue.keys.map((k) => `unknown key "${k}"${where}`).join('; ');
  }
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') {
    return `missing key "${key}"`;
  }
  if (issue.code === z.ZodIssueCode.custom) return `"${key}" ${issue.message}`;
  const got =
    issue.code === z.ZodIssueCode.invalid_type ? issue.received : describeValue(valueAt(raw, issue.path));
  return `"${key}" ${issue.message} (got ${got})`;
}

/**
 * Validates one provider definition; `source` is the file it came from. Throws provider_config with a
 * message naming the file and the key ("~/.aicoder/providers/x.json: unknown key \"comand\"").
 */
export function parseProviderDef(
  raw: unknown,
  source: string,
  parsers: Readonly<Record<string, ParserFactory>> = PARSERS,
): ProviderDef {
  const where = displayPath(source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AicoderError('provider_config', `${where}: must be a JSON object`, { details: { source } });
  }
  const result = providerSchema(parsers).safeParse(raw);
  if (!result.success) {
    // Unknown keys first: a typo is the likeliest cause of the other issues (e.g. a missing key).
    const issues = [...result.error.issues].sort(
      (a, b) =>
        Number(b.code === z.ZodIssueCode.unrecognized_keys) -
        Number(a.code === z.ZodIssueCode.unrecognized_keys),
    );
    const first = issues[0];
    const field =
      first?.code === z.ZodIssueCode.unrecognized_keys ? first.keys[0] : first?.path[0]?.toString();
    throw new AicoderError(
      'provider_config',
      `${where}: ${issues.map((i) => formatIssue(i, raw)).join('; ')}`,
      {
        ...(field === undefined ? {} : { field }),
        details: { source },
      },
    );
  }
  const d = result.data;
  const def: ProviderDef = {
    name: d.name,
    description: d.description,
    command: d.command,
    env: d.env,
    parser: d.parser,
    source,
  };
  if (d.resume_command !== undefined) def.resume_command = d.resume_command;
  if (d.attach_command !== undefined) def.attach_command = d.attach_command;
  if (d.state_paths !== undefined) def.state_paths = d.state_paths;
  if (d.sandbox_args !== undefined) def.sandbox_args = d.sandbox_args;
  if (d.coder_mcp_settings !== undefined) def.coder_mcp_settings = d.coder_mcp_settings;
  if (d.estimate_cost !== undefined) def.estimate_cost = d.estimate_cost;
  if (d.read_only !== undefined) {
    def.read_only = {};
    if (d.read_only.tools !== undefined) def.read_only.tools = d.read_only.tools;
    if (d.read_only.args !== undefined) def.read_only.args = d.read_only.args;
  }
  return def;
}

/** Reads and validates one provider file (invalid JSON and read errors become provider_config). */
export function readProviderFile(
  path: string,
  parsers: Readonly<Record<string, ParserFactory>> = PARSERS,
): ProviderDef {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AicoderError('provider_config', `${displayPath(path)}: cannot read: ${errorText(e)}`, {
      details: { source: path },
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AicoderError('provider_config', `${displayPath(path)}: invalid JSON: ${errorText(e)}`, {
      details: { source: path },
      cause: e,
    });
  }
  return parseProviderDef(raw, path, parsers);
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
