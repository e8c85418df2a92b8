/**
 * A group's roles, checked before anything of the group is made: every member's provider must carry
 * its role (the agent entry's `role`, else the group's `role`), and the `review_by` provider must
 * exist and carry the reviewer role (core/roles.ts). Errors name the field: `agents[i].role` for a
 * role that does not exist, `agents[i].provider` for a provider that cannot carry it, `review_by`.
 * `i` counts expanded members (a `count` of 2 is two entries).
 */
import { AicoderError, isAicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { findRole, requireRoleSupport, requireRoleUnderSandbox } from './roles.js';
import type { CoderSandbox } from './sandbox.js';

/** The role the cross-review coder runs with (templates/roles/reviewer.json). */
export const REVIEWER_ROLE = 'reviewer';

/** The role a member runs with: its agent entry's, else the create's; undefined: none. */
export function memberRole(input: { role?: string }, member: { role?: string }): string | undefined {
  return member.role ?? input.role;
}

export function checkGroupRoles(
  deps: ManagerDeps,
  input: { role?: string; review_by?: string },
  members: readonly { provider: string; role?: string }[],
): void {
  if (input.role !== undefined) findRole(deps.roles, input.role);
  members.forEach((m, i) => {
    const name = memberRole(input, m);
    if (name === undefined) return;
    const role = findRole(deps.roles, name, m.role === undefined ? 'role' : `agents[${i}].role`);
    try {
      requireRoleSupport(deps.providers.get(m.provider)!, role);
    } catch (err) {
      if (isAicoderError(err))
        throw new AicoderError(err.code, err.message, { field: `agents[${i}].provider` });
      throw err;
    }
  });
  if (input.review_by !== undefined) {
    const def = deps.providers.get(input.review_by);
    if (!def) {
      const known = deps.providers.list().map((p) => p.name);
      throw new AicoderError(
        'unknown_provider',
        `unknown provider '${input.review_by}' in review_by; registered: ${known.join(', ') || 'none'}`,
        { field: 'review_by' },
      );
    }
    const reviewer = findRole(deps.roles, REVIEWER_ROLE, 'review_by');
    try {
      requireRoleSupport(def, reviewer);
    } catch (err) {
      if (isAicoderError(err)) throw new AicoderError(err.code, err.message, { field: 'review_by' });
      throw err;
    }
  }
}

/**
 * A group's read-only roles against the sandbox they would run in (core/roles.ts
 * requireRoleUnderSandbox), before anything is made. `sandbox` is the create's over the repo's
 * settings: the members run in it (field `sandbox`, the message naming `agents[i]`), and so does the
 * cross-review coder (field `review_by`).
 */
export function checkGroupSandbox(
  deps: ManagerDeps,
  input: { role?: string; review_by?: string },
  members: readonly { provider: string; role?: string }[],
  sandbox: CoderSandbox,
): void {
  members.forEach((m, i) => {
    const name = memberRole(input, m);
    if (name === undefined) return;
    const role = findRole(deps.roles, name);
    requireRoleUnderSandbox(deps.providers.get(m.provider)!, role, sandbox, { who: `agents[${i}]: ` });
  });
  if (input.review_by === undefined) return;
  const reviewer = findRole(deps.roles, REVIEWER_ROLE, 'review_by');
  requireRoleUnderSandbox(deps.providers.get(input.review_by)!, reviewer, sandbox, { field: 'review_by' });
}
