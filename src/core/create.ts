/** Making a coder: validation, its branch and worktree, the files it starts with, its record. */
import type { CreateCoderInput } from './api.js';
import { resolveLimits } from './budgets.js';
import { emptyStats, emptyTalk, type Coder } from './coder.js';
import { AicoderError } from './errors.js';
import { defaultBranch, defaultName, newCoderId } from './ids.js';
import type { ManagerDeps } from './manager-deps.js';
import { worktreePath } from './paths.js';
import type { Records } from './records.js';
import { dropIntent, writeCreateIntent } from './create-intent.js';
import { validateCreate } from './validate.js';
import { resolveSandbox } from './sandbox.js';
import { requireSandbox } from './run-spec.js';
import { coderRole, findRole, requireRoleSupport, requireRoleUnderSandbox, roleModel } from './roles.js';

/** What a group gives its members (core/group-ops.ts): its id, and the one base commit of all. */
export interface CreateOptions {
  group_id?: string;
  /** Used instead of resolving base_ref again (every member starts from the same commit). */
  base_commit?: string;
}

export async function createCoder(
  deps: ManagerDeps,
  records: Records,
  input: CreateCoderInput,
  opts: CreateOptions = {},
): Promise<Coder> {
  validateCreate(input);
  const limits = resolveLimits(input, deps.config);
  const providerName = input.provider ?? deps.config.default_provider;
  if (!deps.providers.get(providerName)) {
    const known = deps.providers.list().map((p) => p.name);
    throw new AicoderError(
      'unknown_provider',
      `unknown provider '${providerName}'; registered: ${known.join(', ') || 'none'}`,
      { field: 'provider' },
    );
  }
  refuseNotInstalled(deps, providerName);
  if (input.review_by !== undefined) {
    throw new AicoderError('invalid_input', 'review_by is only used with agents (a group)', {
      field: 'review_by',
    });
  }
  // A role the provider cannot carry is refused before anything is made.
  const role = input.role === undefined ? null : findRole(deps.roles, input.role);
  if (role) requireRoleSupport(deps.providers.get(providerName)!, role);
  const repoArg = input.repo ?? deps.config.default_repo;
  if (!repoArg) {
    throw new AicoderError('invalid_input', 'repo is required (no default_repo is configured)', {
      field: 'repo',
    });
  }
  // One git spawn answers toplevel, base commit and HEAD's branch; one by one only for the errors.
  const located = (await deps.git.locate?.(repoArg, input.base_ref)) ?? null;
  const repo = located?.toplevel ?? (await deps.git.toplevel(repoArg));
  const baseRef = input.base_ref ?? located?.base_ref ?? (await deps.git.headRef(repo));
  const baseCommit =
    opts.base_commit ?? located?.base_commit ?? (await deps.git.resolveCommit(repo, baseRef));
  let id = newCoderId();
  while (deps.store.getCoder(id)) id = newCoderId();
  const name = input.name ?? defaultName(input.task);
  // From the name, so that a compact record can leave the branch out when it is the default one.
  const branch = input.branch ?? defaultBranch(id, name);
  // An existing branch (or a bad name) is refused by createWorktree before it makes anything.
  const settings = await deps.prep.loadSettings(repo, deps.config.worktree_defaults);
  const sandbox = resolveSandbox(input, settings);
  if (role) requireRoleUnderSandbox(deps.providers.get(providerName)!, role, sandbox);
  // A sandbox that cannot be set up is refused before anything is made (never a silent fallback).
  if (sandbox.mode !== 'none') await requireSandbox(deps, providerName, sandbox.network);
  const workspace = worktreePath(deps.home, repo, id);
  // Intent first: a crash between here and the record leaves a branch and a folder nobody lists;
  // the next start finds the intent and removes them (reconcileCreates).
  const intent = writeCreateIntent(deps.home, { id, repo, branch, path: workspace, base_commit: baseCommit });
  let made: Awaited<ReturnType<typeof deps.git.createWorktree>>;
  try {
    made = await deps.git.createWorktree({
      repo,
      base_commit: baseCommit,
      branch,
      path: workspace,
      submodules: settings.submodules,
    });
  } catch (err) {
    dropIntent(intent); // createWorktree undid its own work
    throw err;
  }
  const now = records.now();
  const coder: Coder = {
    id,
    name,
    task: input.task,
    provider: providerName,
    model: input.model ?? (role ? roleModel(role, providerName) : null),
    repo,
    base_ref: baseRef,
    base_commit: baseCommit,
    branch,
    workspace,
    state: input.autostart === false ? 'created' : 'queued',
    pid: null,
    exit_code: null,
    session_id: null,
    error: null,
    created_at: now,
    started_at: null,
    updated_at: now,
    ended_at: null,
    stats: emptyStats(),
    ...emptyTalk(),
    limits,
    warnings: made.warnings,
    keep_processes: input.keep_processes ?? deps.config.keep_processes ?? false,
    sandbox,
    group_id: opts.group_id ?? null,
    role: role ? coderRole(role) : null,
  };
  try {
    await deps.prep.copyIntoWorktree(repo, workspace, settings);
    await deps.prep.copyNamedFiles(repo, workspace, input.workspace_files ?? []);
    records.insert(coder);
    dropIntent(intent);
  } catch (err) {
    await deps.git
      .removeWorktree({
        repo,
        path: workspace,
        branch,
        base_ref: baseRef,
        base_commit: baseCommit,
        force: true,
        keep_branch: false,
      })
      .then(
        () => dropIntent(intent),
        () => undefined, // the intent stays: the next start cleans up
      );
    throw err;
  }
  return coder;
}

/** A provider whose program is not found is refused before anything is made (branch, worktree, record). */
function refuseNotInstalled(deps: ManagerDeps, name: string): void {
  const def = deps.providers.get(name);
  if (!def || !deps.probe) return;
  const found = deps.probe.locate(def, deps.config.provider_env?.[name]);
  if (found.installed) return;
  throw new AicoderError(
    'provider_not_installed',
    `provider '${name}' is not installed: '${def.command[0] ?? ''}' is not on the daemon's PATH; ${found.install_hint ?? ''}`.trim(),
    { field: 'provider' },
  );
}
