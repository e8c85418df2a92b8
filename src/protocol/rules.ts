/**
 * The rule texts of the field schemas (fields.ts), apart from zod so that a caller can state a rule
 * without loading zod (the CLI's option parsers: CLI start time, docs/performance.md).
 */

/** "must be 1–20000 characters". */
export function textRule(min: number, max: number): string {
  return `must be ${min}–${max} characters`;
}

/** "must be an integer from 1 to 1000", or "must be an integer of at least 0" without a maximum. */
export function intRule(min: number, max?: number): string {
  return max === undefined
    ? `must be an integer of at least ${min}`
    : `must be an integer from ${min} to ${max}`;
}

/** "must be a number of seconds greater than 0 and at most 604800 (7 days)". */
export function positiveRule(unit: string, max?: number, note = ''): string {
  return max === undefined
    ? `must be a number of ${unit} greater than 0`
    : `must be a number of ${unit} greater than 0 and at most ${max}${note}`;
}
