/**
 * Operational failures become tool results with isError: true, whose text names the problem and the
 * next step ("no coder 'zz'; ai_coder_list shows the ids"). One mapping from error code to hint.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CODER_STATES, type CoderState } from '../core/coder.js';
import { AicoderError, toErrorBody, type ErrorBody, type ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { ACTIONS, allowedFrom } from '../core/state-machine.js';

/** Every error code, in the order docs/mcp.md lists them (the contract's list). */
export { ERROR_CODES } from '../protocol/errors.js';

export interface HintContext {
  /** Names of the registered providers (for unknown_provider). */
  providers: () => string[];
}

function isState(v: unknown): v is CoderState {
  return typeof v === 'string' && (CODER_STATES as readonly string[]).includes(v);
}

function allowedActions(state: CoderState): string {
  // answer needs an open question: suggested only where one is waiting. pick (a group member's
  // choice, it removes the others' worktrees) is never suggested as a next step.
  const ok: string[] = ACTIONS.filter(
    (a) => allowedFrom(a).includes(state) && (a !== 'answer' || state === 'needs_input') && a !== 'pick',
  );
  if (state === 'running' || state === 'paused') ok.push('message');
  return ok.length ? ok.join(', ') : 'none';
}

/** What the caller should do next, per error code. */
export function nextStep(body: ErrorBody, ctx: HintContext): string {
  const code: ErrorCode = body.code;
  switch (code) {
    case 'invalid_input':
      return `fix ${body.field ?? 'the input'} and call again`;
    case 'not_found':
      return body.field === 'path'
        ? 'ai_coder_workspace with operation "list" shows the files'
        : 'ai_coder_list shows the ids';
    case 'ambiguous_id':
      return 'give more characters of the id; ai_coder_list shows the full ids';
    case 'illegal_transition': {
      const state = body.details?.state;
      return isState(state)
        ? `allowed actions while ${state}: ${allowedActions(state)}`
        : 'ai_coder_status shows its state';
    }
    case 'not_a_repo':
      return 'pass repo as the path of a git repository (any folder inside it)';
    case 'unknown_ref':
      return 'pass base_ref as an existing branch, tag or commit of the repository, or leave it out for HEAD';
    case 'branch_exists':
      return 'choose another branch, or leave branch out to get aicoder/<id>-<slug>';
    case 'unknown_provider': {
      const names = safeNames(ctx);
      return names.length ? `registered providers: ${names.join(', ')}` : 'no provider is registered';
    }
    case 'provider_not_installed':
      return 'install the program as the message says (aicoder providers shows the status), or choose another provider';
    case 'sandbox_unavailable':
      return 'install bubblewrap (Debian: apt-get install bubblewrap) or allow it user namespaces, or create with sandbox "none"';
    case 'provider_config':
      return 'fix the provider definition named in the message (see docs/providers.md)';
    case 'dirty_worktree':
      return 'commit or discard the changes (ai_coder_workspace "changes" lists them), or remove with force: true';
    case 'unmerged_commits':
      return 'merge the branch first, or remove with force: true (keep_branch: true keeps the branch)';
    case 'path_outside':
      return 'pass a path relative to the worktree root that stays inside it; ai_coder_workspace "list" shows the files';
    case 'not_supported':
      // With a field, the create input asked for something that provider cannot do (a role, a
      // sandbox); without one, an action on an existing coder did.
      return body.field !== undefined
        ? `choose another ${body.field} or leave out what it cannot do, and call again`
        : 'this provider cannot do that; start a new coder with ai_coder_create instead';
    case 'conflict':
      return 'the coder changed meanwhile; check ai_coder_status and try again';
    case 'worktree_gone':
      return 'the worktree or its repository no longer exists; ai_coder_control "remove" with force: true removes the coder';
    case 'daemon_unreachable':
      return 'start the daemon (aicoder daemon start) and call again';
    case 'forbidden':
      return 'send the owner token (AICODER_HOME/owner-token) as Authorization: Bearer <token>; see docs/security.md';
    case 'timeout':
      return 'call again to keep waiting';
    case 'internal':
      return "this is a bug in aicoder; the daemon's log has the details";
  }
}

function safeNames(ctx: HintContext): string[] {
  try {
    return ctx.providers();
  } catch {
    return [];
  }
}

/** The isError result for any thrown value; unexpected errors are logged. */
export function errorResult(err: unknown, ctx: HintContext, log: Logger, tool: string): CallToolResult {
  if (!(err instanceof AicoderError)) {
    log('error', `mcp tool ${tool} failed`, {
      error: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
  const body = toErrorBody(err);
  const hint = nextStep(body, ctx);
  const text = `${body.message}; ${hint}`;
  return {
    content: [{ type: 'text', text }],
    isError: true,
    _meta: { 'aicoder/error': { ...body, hint } },
  };
}

/** An input rule the zod schema cannot express (depends on another field). */
export function invalid(field: string, rule: string): AicoderError {
  return new AicoderError('invalid_input', `${field} ${rule}`, { field });
}
