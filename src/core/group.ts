/**
 * Groups ("best of N"): one task given to several agents at once. A group is a record of its own
 * (id, task, repository, the one base commit every member starts from, the agents asked for); its
 * members are ordinary coders whose `group_id` names it. Plain data, the same on every surface.
 */
import { randomBytes } from 'node:crypto';
import type { Coder, CoderState } from './coder.js';
import { AicoderError } from './errors.js';
import type { GroupReview } from './review-types.js';

/** One entry of `agents`: a provider, optionally its model, and how many coders of it (default 1). */
export type { GroupAgent } from '../protocol/records.js';
import type { GroupAgent, GroupRecord, GroupViewRecord } from '../protocol/records.js';

/** At most this many members in one group (the sum of the counts). */
export const MAX_GROUP_MEMBERS = 10;

/** The stored group record (protocol/records.ts `groupRecord`). */
export type Group = GroupRecord;

/** Every member's state counted: `active` when any member has not ended, else `ended`. */
export type GroupState = GroupViewRecord['state'];

/** A group as served: the record, its members (oldest first) and a summary of their states. */
export type GroupView = GroupViewRecord;

/** The port the store implements for groups (store/groups.ts). */
export interface GroupStore {
  insertGroup(group: Group): void;
  getGroup(id: string): Group | undefined;
  /** Groups whose id starts with prefix (at most `limit`, default 2). */
  findGroupsByPrefix(prefix: string, limit?: number): Group[];
  /** Groups, newest first, optionally of one repository. */
  listGroups(q: { repo?: string; limit?: number }): Group[];
  /** Member coders of a group, oldest first. */
  groupMembers(id: string): Coder[];
  deleteGroup(id: string): void;
  /** Records the pick on the group. */
  setGroupPick(id: string, pick: NonNullable<Group['picked']>): void;
  /** Records the cross-review's progress and verdict on the group. */
  setGroupReview(id: string, review: GroupReview): void;
}

const GROUP_ID = /^g[0-9a-f]{7}$/;

export function newGroupId(): string {
  return 'g' + randomBytes(4).toString('hex').slice(0, 7);
}

/** Whether an id or prefix names a group (group ids start with "g"; coder ids are hex). */
export function isGroupRef(idOrPrefix: string): boolean {
  return /^g[0-9a-f]{0,7}$/.test(idOrPrefix);
}

export function isGroupId(id: string): boolean {
  return GROUP_ID.test(id);
}

/** Resolves a group id or unique prefix ("g" alone is not enough). */
export function resolveGroup(prefix: string, lookup: (p: string) => Group[]): Group {
  if (!isGroupRef(prefix) || prefix.length < 2) {
    throw new AicoderError(
      'not_found',
      `no group '${prefix.slice(0, 40)}': group ids are "g" and 7 hex digits`,
      {
        field: 'group_id',
      },
    );
  }
  const found = lookup(prefix);
  const exact = found.find((g) => g.id === prefix);
  if (exact) return exact;
  if (found.length === 0) throw new AicoderError('not_found', `no group '${prefix}'`, { field: 'group_id' });
  if (found.length > 1) {
    throw new AicoderError(
      'ambiguous_id',
      `group id prefix '${prefix}' is ambiguous: ${found.map((g) => g.id).join(', ')}…; give more characters`,
      { field: 'group_id' },
    );
  }
  return found[0]!;
}

/**
 * Parses the CLI's `--agents` value: comma-separated `provider[/model][:count][@role]`, e.g.
 * "claude:2@reviewer,codex,gemini/gemini-2.5-pro". `@role` gives those members a role of their own
 * (docs/roles.md); the last "@" starts it, so a model name cannot hold "@" here (MCP's `agents` can).
 * Errors name the field `agents` and the bad entry.
 */
export function parseAgentsSpec(spec: string): GroupAgent[] {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw badAgents('must name at least one provider, e.g. "claude:2,codex"');
  return parts.map((p) => {
    const m =
      /^([A-Za-z0-9_.-]{1,40})(?:\/([^:@\s]{1,200}))?(?::(\d{1,2}))?(?:@([a-z0-9][a-z0-9_-]{0,63}))?$/.exec(
        p,
      );
    if (!m) {
      throw badAgents(
        `entry '${p.slice(0, 60)}' must be provider[/model][:count][@role], e.g. claude:2 or codex@reviewer`,
      );
    }
    const agent: GroupAgent = { provider: m[1]! };
    if (m[2] !== undefined) agent.model = m[2];
    if (m[3] !== undefined) agent.count = Number(m[3]);
    if (m[4] !== undefined) agent.role = m[4];
    return agent;
  });
}

function badAgents(rule: string): AicoderError {
  return new AicoderError('invalid_input', `agents ${rule}`, { field: 'agents' });
}

/** One member as expanded from `agents`: its provider, and its own model and role when given. */
export interface AgentMember {
  provider: string;
  model?: string;
  /** The entry's role; none: the create's `role` (if any) applies. */
  role?: string;
}

/**
 * Checks `agents` (from any surface) and returns one entry per member, counts expanded. Errors
 * (invalid_input) name the field, e.g. `agents[1].count`.
 */
export function expandAgents(agents: unknown): AgentMember[] {
  if (!Array.isArray(agents) || agents.length === 0) {
    throw badAgents('must be a non-empty list of {provider, model?, count?, role?}');
  }
  const out: AgentMember[] = [];
  agents.forEach((a: unknown, i) => {
    const at = `agents[${i}]`;
    if (a === null || typeof a !== 'object' || Array.isArray(a)) {
      throw new AicoderError('invalid_input', `${at} must be an object {provider, model?, count?, role?}`, {
        field: at,
      });
    }
    const { provider, model, count, role, ...rest } = a as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) {
      throw new AicoderError(
        'invalid_input',
        `${at} has an unknown key '${extra}' (allowed: provider, model, count, role)`,
        {
          field: `${at}.${extra}`,
        },
      );
    }
    if (typeof provider !== 'string' || provider === '' || provider.length > 40) {
      throw new AicoderError('invalid_input', `${at}.provider must be a provider name (1–40 characters)`, {
        field: `${at}.provider`,
      });
    }
    if (model !== undefined && (typeof model !== 'string' || model === '' || model.length > 200)) {
      throw new AicoderError('invalid_input', `${at}.model must be 1–200 characters`, {
        field: `${at}.model`,
      });
    }
    if (role !== undefined && (typeof role !== 'string' || role === '' || role.length > 64)) {
      throw new AicoderError('invalid_input', `${at}.role must be a role name (1–64 characters)`, {
        field: `${at}.role`,
      });
    }
    const n = count === undefined ? 1 : count;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_GROUP_MEMBERS) {
      throw new AicoderError(
        'invalid_input',
        `${at}.count must be a whole number from 1 to ${MAX_GROUP_MEMBERS}`,
        {
          field: `${at}.count`,
        },
      );
    }
    for (let k = 0; k < n; k++) {
      const member: AgentMember = { provider };
      if (model !== undefined) member.model = model;
      if (role !== undefined) member.role = role;
      out.push(member);
    }
  });
  if (out.length > MAX_GROUP_MEMBERS) {
    throw badAgents(`ask for at most ${MAX_GROUP_MEMBERS} members in all (got ${out.length})`);
  }
  return out;
}

/** The summary of a group's members. */
export function groupView(group: Group, members: Coder[], isEnded: (c: Coder) => boolean): GroupView {
  const counts: Partial<Record<CoderState, number>> = {};
  for (const m of members) counts[m.state] = (counts[m.state] ?? 0) + 1;
  return {
    ...group,
    state: members.every(isEnded) ? 'ended' : 'active',
    counts,
    members,
  };
}

/**
 * Member names: the group's name and the agent, numbered when a provider appears more than once
 * ("fix the parser · claude#2").
 */
export function memberNames(groupName: string, members: readonly { provider: string }[]): string[] {
  const total = new Map<string, number>();
  for (const m of members) total.set(m.provider, (total.get(m.provider) ?? 0) + 1);
  const seen = new Map<string, number>();
  return members.map((m) => {
    const n = (seen.get(m.provider) ?? 0) + 1;
    seen.set(m.provider, n);
    const tag = (total.get(m.provider) ?? 1) > 1 ? `${m.provider}#${n}` : m.provider;
    const room = 100 - tag.length - 3;
    const base = groupName.length > room ? groupName.slice(0, room - 1) + '…' : groupName;
    return `${base} · ${tag}`;
  });
}
