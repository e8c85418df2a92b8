/**
 * Limits a coder is held to: max_turns, budget_usd (from the usage its parser reports) and timeout_s
 * (on the injected clock, per run). The supervisor stops the coder when one is reached and the
 * coder ends `stopped` with the reason ("stopped: budget 0.50 USD reached").
 */
import type { Coder, CoderLimits } from './coder.js';

export function turnsReason(max: number): string {
  return `stopped: max_turns ${max} reached`;
}
export function budgetReason(usd: number): string {
  return `stopped: budget ${usd.toFixed(2)} USD reached`;
}
export function timeoutReason(secs: number): string {
  return `stopped: timeout ${secs} s reached`;
}

/**
 * The limit a coder has passed, or null. While the run goes on, max_turns is passed only when the
 * agent starts a turn beyond it (its last allowed turn may be its final answer); at the end of a run
 * that did not succeed, reaching it is enough (the agent's own --max-turns ended it).
 */
export function passedLimit(coder: Coder, atEnd: { ok: boolean } | null): string | null {
  const { limits, stats } = coder;
  if (limits.budget_usd !== null && stats.cost_usd > 0 && stats.cost_usd >= limits.budget_usd) {
    return budgetReason(limits.budget_usd);
  }
  if (limits.max_turns !== null) {
    if (stats.turns > limits.max_turns) return turnsReason(limits.max_turns);
    if (atEnd && !atEnd.ok && stats.turns >= limits.max_turns) return turnsReason(limits.max_turns);
  }
  return null;
}

/**
 * A create's limits over the config's defaults. The values were checked against the contract's rules
 * (protocol/fields.ts) by validateCreate.
 */
export function resolveLimits(
  input: { max_turns?: number | undefined; timeout_s?: number | undefined; budget_usd?: number | undefined },
  defaults: CoderLimits,
): CoderLimits {
  const { max_turns, timeout_s, budget_usd } = input;
  return {
    max_turns: max_turns ?? defaults.max_turns,
    timeout_s: timeout_s ?? defaults.timeout_s,
    budget_usd: budget_usd ?? defaults.budget_usd,
  };
}
