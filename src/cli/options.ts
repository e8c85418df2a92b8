/**
 * Option value parsers: a bad value is a commander usage error (exit 2) naming the option and the
 * rule. Limits and rule texts are the contract's (src/protocol/limits.ts, rules.ts; zod-free, so a
 * command starts without loading zod); `create` checks its fields with the contract's schema
 * (create-input.ts).
 */
import { InvalidArgumentError } from 'commander';
import { intRule } from '../protocol/rules.js';

export function intOption(min: number, max?: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(intRule(min, max));
    }
    return n;
  };
}

/** How long the CLI itself waits (`wait`, `message --wait`, `logs --follow`): up to 31 days. */
export function secondsOption(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > 31 * 86_400) {
    throw new InvalidArgumentError('must be a number of seconds greater than 0');
  }
  return Number(v);
}
