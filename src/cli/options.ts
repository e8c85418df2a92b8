/** Option value parsers: a bad value is a commander usage error (exit 2) naming the option and rule. */
import { InvalidArgumentError } from 'commander';

export function intOption(min: number, max: number): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    }
    return Number(v);
  };
}

export function secondsOption(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0 || Number(v) > 31 * 86_400) {
    throw new InvalidArgumentError('must be a number of seconds greater than 0');
  }
  return Number(v);
}

export function usdOption(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) <= 0) {
    throw new InvalidArgumentError('must be a number of US dollars greater than 0');
  }
  return Number(v);
}
