/**
 * Taking over a coder by hand (`aicoder attach`, docs/attach.md): a person runs the agent's own
 * interactive UI (the provider file's `attach_command`, e.g. `claude --resume <session>`) in their
 * terminal, in the coder's worktree and sandbox. The attaching CLI begins the attach (a running coder
 * is stopped first, through the ordinary stop), gets the argv and environment to run, runs it with its
 * own terminal and ends the attach when the UI exits. While attached the coder is `attached`; the
 * daemon holds a lease on the attaching CLI's process (pid and start time, kept in the coder's folder
 * as attach.json so a restarted daemon re-arms it) and ends the attach by itself when that process
 * is gone, so a crashed CLI never leaves the coder attached.
 */
import { roleArgvVars, roleTemplate } from './roles.js';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTerminal, type Coder, type CoderState } from './coder.js';
import { checkSessionId } from './agent-values.js';
import { coderArgvVars } from './coder-argv.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { coderDir } from './paths.js';
import type { SessionTurns, TimerHandle } from './ports.js';
import type { Records } from './records.js';
import { requireSandbox, runEnv, sandboxRun } from './run-spec.js';

/** How often the daemon checks that the attaching CLI is still alive (ms). */
export const ATTACH_LEASE_POLL_MS = 1000;

/** The attaching CLI's process: with the pid, /proc/<pid>/stat field 22 tells it from a pid reuse. */
export interface AttachHolder {
  pid: number;
  start_time: string;
}

/** What the attaching CLI runs: argv (never through a shell), in `cwd`, with its own env plus `env`. */
export interface AttachPlan {
  coder: Coder;
  argv: string[];
  cwd: string;
  /** Variables to set over the user's environment (the provider's env, provider_env, the coder's). */
  env: Record<string, string>;
  /** True when the coder was running and was stopped for the attach. */
  stopped: boolean;
}

/** How the attach ended: the UI's exit code (null: unknown, e.g. the CLI went away). */
export interface DetachInput {
  exit_code?: number | null;
}

interface Lease extends AttachHolder {
  /** The state the coder returns to. */
  from: CoderState;
  since: string;
}

export class Attaches {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(
    private readonly deps: ManagerDeps,
    private readonly records: Records,
    /** The ordinary stop (waits until the run has ended). */
    private readonly stop: (coder: Coder) => Promise<void>,
  ) {}

  async begin(coder: Coder, holder: AttachHolder): Promise<AttachPlan> {
    const def = this.deps.providers.get(coder.provider);
    if (!def?.attach_command) {
      throw new AicoderError(
        'not_supported',
        `provider '${coder.provider}' has no interactive UI to attach to (no attach_command in its provider file)`,
        { field: 'id' },
      );
    }
    if (coder.state === 'attached') {
      throw new AicoderError('conflict', `a person is already attached to coder ${coder.id}`, {
        field: 'id',
      });
    }
    if (coder.session_id === null) {
      throw new AicoderError(
        'not_supported',
        `coder ${coder.id} has no agent session yet (it is ${coder.state}): nothing to attach to`,
        { field: 'id' },
      );
    }
    checkSessionId(coder.session_id);
    if (!this.deps.runner.isRunning(holder)) {
      throw new AicoderError('invalid_input', `pid ${holder.pid} is not a live process`, { field: 'pid' });
    }
    // Refused before anything is stopped when the coder's sandbox cannot be set up.
    if (coder.sandbox.mode !== 'none') await requireSandbox(this.deps, coder.provider, coder.sandbox.network);
    let stopped = false;
    if (!isTerminal(coder.state)) {
      await this.stop(coder);
      stopped = true;
    }
    const cur = this.records.get(coder.id) ?? coder;
    if (!isTerminal(cur.state)) {
      throw new AicoderError(
        'conflict',
        `coder ${coder.id} could not be stopped for the attach: it is ${cur.state}`,
        { field: 'id' },
      );
    }
    const dir = join(coderDir(this.deps.home, coder.id), 'attach');
    const base = runEnv(this.deps, def, cur);
    const talk = coderArgvVars(this.deps, cur);
    // The coder's role holds in its UI too (core/roles.ts).
    const argv = this.deps.providers.buildArgv(roleTemplate(def, cur.role, def.attach_command), {
      task: cur.task,
      model: cur.model,
      workspace: cur.workspace,
      session_id: cur.session_id,
      permission_mode: this.deps.config.claude_permission_mode ?? 'acceptEdits',
      ...talk,
      ...roleArgvVars(def, cur.role, talk.coder_prompt),
    });
    // The same sandbox as the coder's runs (bwrap: the UI writes only the worktree, git, its state).
    const run = await sandboxRun(this.deps, def, cur, { argv, env: base, run_dir: dir });
    const daemonEnv = this.deps.baseEnv ?? process.env;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(run.env)) if (daemonEnv[k] !== v) env[k] = v;

    const lease: Lease = { ...holder, from: cur.state, since: this.records.now() };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(leaseFile(this.deps.home, coder.id), JSON.stringify(lease), { mode: 0o600 });
    this.records.transition(coder.id, 'attached', { pid: null });
    this.note(
      coder.id,
      `a person took over: aicoder attach (pid ${holder.pid}) runs the agent's own UI on session ${cur.session_id}` +
        (stopped ? ' (the running agent was stopped first)' : ''),
    );
    this.watch(coder.id, lease);
    return { coder: this.records.get(coder.id) ?? cur, argv: run.argv, cwd: cur.workspace, env, stopped };
  }

  /** Ends the attach: the coder returns to the state it had, files_changed recounted, a note logged. */
  async end(coder: Coder, input: DetachInput, why = 'the person quit the agent'): Promise<Coder> {
    if (coder.state !== 'attached') {
      throw new AicoderError(
        'illegal_transition',
        `coder ${coder.id} is not attached (it is ${coder.state})`,
        {
          field: 'id',
        },
      );
    }
    this.cancel(coder.id);
    const lease = readLease(this.deps.home, coder.id);
    rmSync(leaseFile(this.deps.home, coder.id), { force: true });
    const back: CoderState = lease && isTerminal(lease.from) ? lease.from : 'stopped';
    let files = coder.stats.files_changed;
    try {
      files = await this.deps.git.countChanges(coder.workspace, coder.base_commit);
    } catch (err) {
      this.deps.log('warn', 'attach: files_changed recount failed', { id: coder.id, error: String(err) });
    }
    const cur = this.records.get(coder.id);
    if (cur?.state !== 'attached') return cur ?? coder; // ended meanwhile (lease watch and CLI at once)
    const added = lease ? this.sessionTurns(cur, lease.since) : null;
    const s = cur.stats;
    this.records.transition(coder.id, back, {
      stats: {
        files_changed: files,
        ...(added
          ? {
              turns: s.turns + added.turns,
              tokens_in: s.tokens_in + added.tokens_in,
              tokens_out: s.tokens_out + added.tokens_out,
              last_message: added.last_message ?? s.last_message,
            }
          : {}),
      },
    });
    const code =
      input.exit_code === undefined || input.exit_code === null ? '' : ` (exit code ${input.exit_code})`;
    const turns = added ? `; ${added.turns} turn(s) in the agent's UI` : '';
    this.note(coder.id, `attach ended: ${why}${code}; the coder is ${back} again${turns}`);
    return this.records.get(coder.id) ?? coder;
  }

  /** What the person's turns added to the session (the provider's transcript), or null. */
  private sessionTurns(coder: Coder, since: string): SessionTurns | null {
    const def = this.deps.providers.get(coder.provider);
    if (!this.deps.sessionTurns || !def || coder.session_id === null) return null;
    try {
      return this.deps.sessionTurns({
        parser: def.parser,
        session_id: coder.session_id,
        workspace: coder.workspace,
        env: runEnv(this.deps, def, coder),
        since,
      });
    } catch (err) {
      this.deps.log('warn', 'attach: reading the session transcript failed', {
        id: coder.id,
        error: String(err),
      });
      return null;
    }
  }

  /** Daemon start: re-arms the leases of attached coders; ends those whose CLI is gone. */
  recover(): void {
    for (const c of this.deps.store.codersInStates(['attached'])) {
      const lease = readLease(this.deps.home, c.id);
      if (lease && this.deps.runner.isRunning(lease)) this.watch(c.id, lease);
      else void this.endGone(c.id, lease);
    }
  }

  close(): void {
    for (const t of this.timers.values()) t.clear();
    this.timers.clear();
  }

  private cancel(id: string): void {
    this.timers.get(id)?.clear();
    this.timers.delete(id);
  }

  private watch(id: string, lease: Lease): void {
    this.cancel(id);
    const tick = (): void => {
      if (this.deps.runner.isRunning(lease)) {
        this.timers.set(id, this.deps.clock.setTimeout(tick, ATTACH_LEASE_POLL_MS));
      } else {
        this.timers.delete(id);
        void this.endGone(id, lease);
      }
    };
    this.timers.set(id, this.deps.clock.setTimeout(tick, ATTACH_LEASE_POLL_MS));
  }

  private async endGone(id: string, lease: Lease | null): Promise<void> {
    const cur = this.records.get(id);
    if (cur?.state !== 'attached') return;
    try {
      await this.end(
        cur,
        {},
        `the attaching CLI${lease ? ` (pid ${lease.pid})` : ''} went away without ending it`,
      );
    } catch (err) {
      this.deps.log('warn', 'attach: ending a lost attach failed', { id, error: String(err) });
    }
  }

  private note(id: string, text: string): void {
    const stored = this.deps.store.appendLogs(id, [
      { ts: this.records.now(), stream: 'system', kind: 'attach', text },
    ]);
    this.records.announceLogs(stored);
  }
}

function leaseFile(home: string, id: string): string {
  return join(coderDir(home, id), 'attach', 'lease.json');
}

function readLease(home: string, id: string): Lease | null {
  try {
    const v = JSON.parse(readFileSync(leaseFile(home, id), 'utf8')) as Partial<Lease>;
    if (typeof v.pid !== 'number' || typeof v.start_time !== 'string' || typeof v.from !== 'string')
      return null;
    return v as Lease;
  } catch {
    return null;
  }
}
