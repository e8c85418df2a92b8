/**
 * Field schemas, each with its rule written once. Every failing check of a field reports the same
 * rule text, so the message does not depend on which check a value happened to fail first. The
 * descriptions are the ones MCP clients read in tools/list; keep them terse (tools/list is capped
 * at 2,500 tokens by test/mcp/tools.test.ts).
 */
import { z } from 'zod';
import * as L from './limits.js';
import { NETWORK_MODES, SANDBOX_MODES } from './states.js';
import { intRule, positiveRule, textRule } from './rules.js';

/** "must be 1–N characters", no NUL characters (the OS and git refuse them). */
export function text(max: number, min = 1) {
  const rule = textRule(min, max);
  return z
    .string()
    .min(min, rule)
    .max(max, rule)
    .refine((s) => !s.includes('\0'), 'must not contain NUL characters');
}

/** An integer from min to max (no upper bound when max is left out); one rule for range and fractions. */
export function int(min: number, max?: number) {
  const rule = intRule(min, max);
  const n = z.number().int(rule).min(min, rule);
  return max === undefined ? n : n.max(max, rule);
}

/** A number greater than 0 (and at most max when given); `unit` names what it counts ("seconds"). */
export function positive(unit: string, max?: number, note = '') {
  const rule = positiveRule(unit, max, note);
  const n = z.number().gt(0, rule);
  return max === undefined ? n : n.max(max, rule);
}

/** Why `p` is not a repo- or worktree-relative path, or null when it is one. */
export function relativePathProblem(p: string): string | null {
  if (p.length === 0) return 'must not be empty';
  if (p.includes('\0')) return 'must not contain NUL characters';
  if (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p)) return `must be a relative path (got '${p}')`;
  if (p.split(/[\\/]+/).includes('..')) return `must not contain '..' (got '${p}')`;
  return null;
}

/** A path relative to the repository or worktree root: no absolute paths, no '..' segments. */
export const relativePath = z
  .string()
  .max(L.MAX_PATH_CHARS, `must be 1–${L.MAX_PATH_CHARS} characters`)
  .superRefine((p, ctx) => {
    const problem = relativePathProblem(p);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });

/** An absolute filesystem path. */
export const absolutePath = text(L.MAX_PATH_CHARS).refine(
  (p) => p.startsWith('/'),
  'must be an absolute path',
);

/**
 * A ref or branch name that git cannot mistake for an option. A function, not one shared instance:
 * a schema used twice in one tool would become a JSON Schema $ref, which some MCP clients do not follow.
 */
const refName = () => text(L.MAX_REF_CHARS).refine((s) => !s.startsWith('-'), "must not start with '-'");

// ------------------------------------------------------------------------------------- create

/** The fields of a create, with their rules and descriptions (REST body, MCP ai_coder_create, CLI). */
export const createFields = {
  task: z
    .string()
    .min(1, 'must not be empty')
    .max(L.MAX_TASK_CHARS, `must be 1–${L.MAX_TASK_CHARS} characters`)
    .refine((s) => s.trim() !== '', 'must not be empty')
    .refine((s) => !s.includes('\0'), 'must not contain NUL characters')
    .describe('What the agent should do, in plain words.'),
  repo: absolutePath.describe(
    'Absolute path of the git repo (any folder in it). Default: the configured one.',
  ),
  provider: text(L.MAX_PROVIDER_CHARS).describe(
    'Agent provider (e.g. claude, codex, gemini, or a command provider). Default: from the config.',
  ),
  model: text(L.MAX_MODEL_CHARS).describe("Model name passed to the provider. Default: the provider's own."),
  name: text(L.MAX_NAME_CHARS).describe('Readable name. Default: the first words of the task.'),
  base_ref: refName().describe('Branch, tag or commit to start from. Default: HEAD of the repo.'),
  branch: refName().describe('Branch to create. Default: aicoder/<id>-<slug of the name>.'),
  workspace_files: z
    .array(relativePath)
    .max(L.MAX_WORKSPACE_FILES, `must name at most ${L.MAX_WORKSPACE_FILES} paths`)
    .describe('Repo-relative files named to the agent; untracked ones are copied in.'),
  autostart: z.boolean().describe('false: wait in `created` until started.'),
  keep_processes: z.boolean().describe('true: processes left running outlive the run (see `processes`).'),
  /** Default: the repo's .aicoder.json, else config.json "worktree", else none (docs/sandbox.md). */
  sandbox: z.enum(SANDBOX_MODES),
  /** Default: .aicoder.json, else config.json "worktree", else on. */
  network: z
    .enum(NETWORK_MODES)
    .describe('off: no network but relayed loopback ports (needs sandbox bwrap).'),
  max_turns: int(1).describe('Stop after this many agent turns.'),
  timeout_s: positive('seconds', L.MAX_TIMEOUT_S, ' (7 days)').describe(
    'Stop after this many seconds of running.',
  ),
  budget_usd: positive('US dollars').describe('Stop when the reported cost reaches this many US dollars.'),
  /**
   * Best of N: the create makes a group (core/group-ops.ts createGroup; core/group.ts expandAgents
   * checks providers and counts). Taken by MCP ai_coder_create and REST POST /api/groups; a single
   * coder's create refuses it.
   */
  agents: z
    .array(
      z
        .object({
          provider: z.string(),
          model: z.string().optional(),
          count: z.number().int().optional(),
          role: z.string().optional(),
        })
        .strict(),
    )
    .min(1, 'must name at least one agent')
    .describe("Best of N: one coder per agent (count ≤ 10; an entry's role replaces role)."),
  /** A role preset by name (core/roles.ts; templates/roles, AICODER_HOME/roles). */
  role: text(64).describe('Role preset, e.g. reviewer (aicoder://roles).'),
  /** Best of N: a provider whose reviewer-role coder judges the members when they end (core/review.ts). */
  review_by: text(L.MAX_PROVIDER_CHARS).describe('With agents: provider of a reviewer run after them.'),
};

// ------------------------------------------------------------------------------------ control

/** A follow-up text: a message, an answer or a commit message. */
export const messageText = z
  .string()
  .min(1, 'must not be empty')
  .max(L.MAX_MESSAGE_CHARS, `must be 1–${L.MAX_MESSAGE_CHARS} characters`)
  .refine((s) => s.trim() !== '', 'must not be empty');

export const coderId = text(L.MAX_CODER_ID_CHARS).describe(
  'Coder id or a unique prefix of it (ai_coder_list shows the ids).',
);
