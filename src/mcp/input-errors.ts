/**
 * One short sentence per bad tool argument, naming the field, the rule and a valid example, made from
 * zod's issues (zod 3 issue codes). Used instead of the SDK's "Invalid input at wait_for".
 */
import type { ZodError, ZodIssue } from 'zod';

/** Rules with an example for fields whose zod schema is a union (zod says only "Invalid input"). */
export const FIELD_RULES: Record<string, string> = {
  wait_for: 'wait_for must be "terminal" or a list of states such as ["needs_input","completed"]',
  status_filter:
    'status_filter must be a state, "active", "all", or a list of these such as ["running","needs_input"]',
};

function fieldName(path: (string | number)[]): string {
  return path.length === 0 ? 'arguments' : path.map(String).join('.');
}

function quote(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** The sentence for one issue. `known` lists the tool's fields (for unknown keys). */
export function issueText(issue: ZodIssue, known: readonly string[]): string {
  const field = fieldName(issue.path);
  const top = String(issue.path[0] ?? '');
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (this tool takes ${known.join(', ')})`;
    case 'invalid_union':
    case 'invalid_union_discriminator':
      return FIELD_RULES[top] ?? `${field} has an invalid value`;
    case 'invalid_enum_value':
      if (FIELD_RULES[top]) return FIELD_RULES[top];
      return `${field} must be one of ${issue.options.map((o) => `"${String(o)}"`).join(', ')} (got ${quote(issue.received)})`;
    case 'invalid_type':
      if (issue.received === 'undefined') return `${field} is required`;
      if (FIELD_RULES[top]) return `${FIELD_RULES[top]} (got ${issue.received})`;
      return `${field} must be ${article(issue.expected)} (got ${issue.received})`;
    case 'custom':
    case 'invalid_arguments':
    case 'invalid_date':
    case 'invalid_intersection_types':
    case 'invalid_literal':
    case 'invalid_return_type':
    case 'invalid_string':
    case 'not_finite':
    case 'not_multiple_of':
    case 'too_big':
    case 'too_small': {
      // Our schemas carry their own messages ("limit must be 1–100"); keep them, add the field if absent.
      const msg = issue.message;
      return msg.includes(field) || msg.startsWith(top) ? msg : `${field}: ${msg}`;
    }
  }
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'an object';
  if (type === 'integer') return 'a whole number';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** All issues of one failed parse, joined with "; " (duplicates dropped). */
export function formatInputError(error: ZodError, known: readonly string[]): string {
  const texts = [...new Set(error.issues.map((i) => issueText(i, known)))];
  return texts.join('; ');
}
