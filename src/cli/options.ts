/**
 * Option value parsers: a bad value is a commander usage error (exit 2) naming the option and the
 * rule. Options that set a field of the API take the contract's rule for it (src/protocol), so the
 * CLI refuses exactly what REST and MCP refuse, with the same words.
 */
import { InvalidArgumentError } from 'commander';
import type { ZodTypeAny } from 'zod';
import { issueRule, query } from '../protocol/index.js';

/**
 * A parser for an option that carries an API field: the value (a number when it is written as one)
 * checked with the field's schema; the error is the field's rule.
 */
export function fieldOption<T>(schema: ZodTypeAny): (v: string) => T {
  const parser = query(schema);
  return (v: string) => {
    const r = parser.safeParse(v);
    if (r.success) return r.data as T;
    throw new InvalidArgumentError([...new Set(r.error.issues.map((i) => issueRule(i)))].join('; '));
  };
}

/** How long the CLI itself waits (`wait`, `message --wait`, `logs --follow`): up to 31 days. */
export function secondsOption(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > 31 * 86_400) {
    throw new InvalidArgumentError('must be a number of seconds greater than 0');
  }
  return Number(v);
}
