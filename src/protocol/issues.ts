/**
 * The one function that turns zod issues (zod 3 issue codes) into a message naming the field and the
 * rule: "task must be 1–20000 characters", "limit must be an integer from 1 to 1000",
 * `unknown field "colour" (allowed: task, repo, …)`. Every surface (REST, MCP tools and methods, the
 * CLI's options, core, config files) formats zod issues with it.
 */
import type { ZodError, ZodIssue } from 'zod';

export interface FormatOptions {
  /** The field named when an issue has an empty path (the whole input): "body", "query", "arguments". */
  root?: string;
  /** The input's known fields, listed after an unknown field. */
  known?: readonly string[];
}

/** "a.b[0].c" for a zod issue path; `root` for the empty path. */
export function fieldOf(path: readonly (string | number)[], root = 'input'): string {
  if (path.length === 0) return root;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'an object';
  if (type === 'integer') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** zod's own message for a union none of whose members matched (no rule of ours was attached). */
const ZOD_UNION_DEFAULT = 'Invalid input';

/**
 * The rule an issue broke, without the field: "must be 1–20000 characters", "is required". The CLI
 * prints it after its option name; `issueMessage` puts the field in front.
 */
export function issueRule(issue: ZodIssue, opts: FormatOptions = {}): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const known = opts.known && opts.known.length > 0 ? ` (allowed: ${opts.known.join(', ')})` : '';
      return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}${known}`;
    }
    case 'invalid_type':
      if (issue.received === 'undefined') return 'is required';
      // zod reports a fraction where an integer belongs as invalid_type, with our rule as the message.
      if (issue.message.startsWith('must ')) return issue.message;
      return `must be ${article(issue.expected)} (got ${issue.received})`;
    case 'invalid_enum_value':
      return `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')} (got ${JSON.stringify(issue.received) ?? String(issue.received)})`;
    case 'invalid_literal':
      return `must be ${JSON.stringify(issue.expected)}`;
    case 'invalid_union':
    case 'invalid_union_discriminator':
      return issue.message === ZOD_UNION_DEFAULT ? 'has an invalid value' : issue.message;
    case 'custom':
    case 'invalid_arguments':
    case 'invalid_date':
    case 'invalid_intersection_types':
    case 'invalid_return_type':
    case 'invalid_string':
    case 'not_finite':
    case 'not_multiple_of':
    case 'too_big':
    case 'too_small':
      // Our schemas carry their rule as the message ("must be an integer from 1 to 1000").
      return issue.message;
  }
}

/** One issue as a sentence that starts with the field. */
export function issueMessage(issue: ZodIssue, opts: FormatOptions = {}): { field: string; message: string } {
  const field = fieldOf(issue.path, opts.root);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    // The known fields are the input's own: listed only for an unknown field at its top level.
    const top = issue.path.length === 0 && opts.known && opts.known.length > 0;
    const known = top ? ` (allowed: ${opts.known!.join(', ')})` : '';
    const where = issue.path.length > 0 ? ` in ${field}` : '';
    const s = issue.keys.length > 1 ? 's' : '';
    return { field: issue.keys[0] ?? field, message: `unknown field${s} ${keys}${where}${known}` };
  }
  const rule = issueRule(issue, opts);
  if (/^(must|is|has) /.test(rule)) return { field, message: `${field} ${rule}` };
  return { field, message: rule.startsWith(field) ? rule : `${field}: ${rule}` };
}

/**
 * Every issue of one failed parse as one message ("; " between, duplicates dropped), and the field of
 * the first: what an `invalid_input` error carries.
 */
export function formatIssues(error: ZodError, opts: FormatOptions = {}): { field: string; message: string } {
  const parts = error.issues.map((i) => issueMessage(i, opts));
  const first = parts[0] ?? { field: opts.root ?? 'input', message: `${opts.root ?? 'input'} is invalid` };
  return { field: first.field, message: [...new Set(parts.map((p) => p.message))].join('; ') };
}
