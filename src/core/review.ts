/**
 * Cross-review of a group (`review_by`, core/review-types.ts). When the last member ends (after its
 * checks), a reviewer coder is made: provider `review_by`, role `reviewer` (read only), from the
 * group's base commit, not a member of the group. Its task holds the group's task and, per member,
 * its state, check results and diff (clipped so the task fits MAX_TASK_CHARS). When it ends, its
 * final answer is recorded on the group: the "VERDICT:" line, the member it names, the reasons.
 * The reviewer is queued like any coder (max_concurrent holds). A daemon restart resumes where the
 * review stood (recover).
 */
import { MAX_TASK_CHARS } from '../protocol/limits.js';
import type { CreateCoderInput } from './api.js';
import { checkSummary } from './check-types.js';
import { isTerminal, type Coder } from './coder.js';
import type { AicoderEvent } from './events.js';
import type { Group } from './group.js';
import { REVIEWER_ROLE } from './group-roles.js';
import type { ManagerDeps } from './manager-deps.js';
import type { GroupReview } from './review-types.js';

/** Per member: at most this much of a check's output tail in the task. */
const CHECK_TAIL_CHARS = 1_500;

export interface ReviewContext {
  deps: ManagerDeps;
  now(): string;
  /** Makes and queues a coder (Manager.create). */
  create(input: CreateCoderInput): Promise<Coder>;
}

/** The reviewer's task: the group's task, then each member's result. */
export async function reviewTask(deps: ManagerDeps, group: Group, members: Coder[]): Promise<string> {
  const head =
    `Several agents were each given the same task, in their own worktree from commit ` +
    `${group.base_commit.slice(0, 12)}. Review their results and say which one should be merged.\n\n` +
    `The task:\n${group.task}\n\n` +
    `Begin your answer with one line "VERDICT: <id of the member to merge>" (or "VERDICT: none"), ` +
    `then your reasons. The members follow.\n`;
  const parts: { meta: string; diff: string }[] = [];
  for (const m of members) {
    const checks =
      m.checks === null
        ? 'no checks ran'
        : `${checkSummary(m.checks)}\n` +
          m.checks.results
            .map(
              (r) =>
                `$ ${r.argv.join(' ')}  → ${r.status}${r.exit_code === null ? '' : ` (exit ${r.exit_code})`}\n${r.tail.slice(-CHECK_TAIL_CHARS)}`,
            )
            .join('\n');
    let diff: string;
    try {
      diff = await deps.git.diff(m.workspace, m.base_commit);
    } catch (err) {
      diff = `(the diff could not be read: ${err instanceof Error ? err.message : String(err)})`;
    }
    parts.push({
      meta:
        `\n## Member ${m.id} (${m.provider}${m.model ? `/${m.model}` : ''}, ${m.state})\n` +
        `Checks: ${checks}\n` +
        (m.stats.last_message ? `Its last message: ${m.stats.last_message.slice(0, 500)}\n` : ''),
      diff: diff.trim() === '' ? '(no changes)' : diff,
    });
  }
  const fixed = head.length + parts.reduce((n, p) => n + p.meta.length + 40, 0);
  const perDiff = Math.max(200, Math.floor((MAX_TASK_CHARS - fixed) / Math.max(1, parts.length)));
  let task = head;
  for (const p of parts) {
    const diff = p.diff.length <= perDiff ? p.diff : `${p.diff.slice(0, perDiff - 30)}\n… (diff clipped)`;
    task += `${p.meta}Diff:\n${diff}\n`;
  }
  return task.length <= MAX_TASK_CHARS ? task : `${task.slice(0, MAX_TASK_CHARS - 2)}\n…`;
}

/** The verdict line, the member it names (full id), and the answer, from the reviewer's text. */
export function readVerdict(
  text: string | null,
  memberIds: readonly string[],
): Pick<GroupReview, 'choice' | 'verdict' | 'reasons'> {
  if (text === null || text.trim() === '') return { choice: null, verdict: null, reasons: null };
  const line = text.split('\n').find((l) => /^\W*verdict\W*:/i.test(l.trim())) ?? null;
  const verdict =
    line === null
      ? null
      : line
          .trim()
          .replace(/^\W*verdict\W*:[\s*_`]*/i, '')
          .replace(/[\s*_`]*$/, '');
  let choice: string | null = null;
  if (verdict !== null) {
    const words = verdict.toLowerCase().match(/[0-9a-f]{4,}/g) ?? [];
    choice = memberIds.find((id) => words.some((w) => id.startsWith(w))) ?? null;
  }
  return { choice, verdict, reasons: text.trim() };
}

export class Reviews {
  /** Reviewer coder id → group id, for the reviews running. */
  private readonly running = new Map<string, string>();
  /** Groups whose reviewer is being made (an event for each member's end may arrive meanwhile). */
  private readonly starting = new Set<string>();

  constructor(private readonly ctx: ReviewContext) {}

  /** The bus listener: a member's or a reviewer's end. */
  onEvent(e: AicoderEvent): void {
    if (e.type !== 'coder.state' || !isTerminal(e.coder.state)) return;
    const groupId = this.running.get(e.coder.id);
    if (groupId !== undefined) {
      this.finish(groupId, e.coder);
      return;
    }
    if (e.coder.group_id !== null) void this.maybeStart(e.coder.group_id);
  }

  /** After a restart: start the reviews whose members all ended; record those whose reviewer ended. */
  recover(): void {
    for (const g of this.ctx.deps.store.listGroups({ limit: 1000 })) {
      if (g.review === null) continue;
      if (g.review.state === 'waiting') void this.maybeStart(g.id);
      else if (g.review.state === 'running' && g.review.coder_id !== null) {
        const c = this.ctx.deps.store.getCoder(g.review.coder_id);
        if (!c) this.save(g.id, { ...g.review, state: 'failed', error: 'the reviewer coder was removed' });
        else if (isTerminal(c.state)) this.finish(g.id, c);
        else this.running.set(c.id, g.id);
      }
    }
  }

  private save(groupId: string, review: GroupReview): void {
    this.ctx.deps.store.setGroupReview(groupId, { ...review, updated_at: this.ctx.now() });
  }

  private async maybeStart(groupId: string): Promise<void> {
    const { deps } = this.ctx;
    const group = deps.store.getGroup(groupId);
    if (!group || group.review === null || group.review.state !== 'waiting') return;
    if (this.starting.has(groupId)) return;
    const members = deps.store.groupMembers(groupId);
    if (members.length === 0 || !members.every((m) => isTerminal(m.state))) return;
    this.starting.add(groupId);
    const review = group.review;
    try {
      const task = await reviewTask(deps, group, members);
      const coder = await this.ctx.create({
        task,
        repo: group.repo,
        base_ref: group.base_commit,
        provider: review.provider,
        role: REVIEWER_ROLE,
        name: `review of ${group.name}`.slice(0, 100),
        // In the members' sandbox (one for the whole group: the create's, over the repo's settings).
        sandbox: members[0]!.sandbox.mode,
        network: members[0]!.sandbox.network,
      });
      this.running.set(coder.id, groupId);
      this.save(groupId, { ...review, state: 'running', coder_id: coder.id });
      deps.log('info', 'cross-review started', { group: groupId, id: coder.id });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.save(groupId, { ...review, state: 'failed', error });
      deps.log('warn', 'cross-review could not start', { group: groupId, error });
    } finally {
      this.starting.delete(groupId);
    }
  }

  private finish(groupId: string, reviewer: Coder): void {
    this.running.delete(reviewer.id);
    const group = this.ctx.deps.store.getGroup(groupId);
    if (!group || group.review === null) return;
    const members = this.ctx.deps.store.groupMembers(groupId).map((m) => m.id);
    const read = readVerdict(reviewer.stats.last_message, members);
    const ok = reviewer.state === 'completed';
    this.save(groupId, {
      ...group.review,
      ...read,
      state: ok ? 'done' : 'failed',
      error: ok ? null : (reviewer.error ?? `the reviewer ended ${reviewer.state}`),
    });
  }
}
