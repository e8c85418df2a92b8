/**
 * Runs a repository's checks (`.aicoder.json` `check`, read from the main checkout so an agent cannot
 * change what judges it) in a coder's worktree: each command as an argv array through the Runner (its
 * own process group, never a shell), one after the other, each ended at `check_timeout_s`. The coder
 * is `checking` meanwhile and returns to the state it had; its work is never touched. Every command's
 * verdict, exit code, duration and output tail go on the record (`checks`); the output also goes to
 * the coder's logs (kind `check`).
 */
import { join } from 'node:path';
import type { CheckReport, CheckResult } from './check-types.js';
import type { Coder, CoderState } from './coder.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { coderDir } from './paths.js';
import type { RunRecord } from './ports.js';
import type { Records } from './records.js';
import { buildRedactor, type Redactor } from './redact.js';
import { runEnv } from './run-spec.js';

/** Check runs use run numbers from -2001 down, apart from agent runs (1…) and setup (-1…). */
const CHECK_RUN_BASE = -2001;
/** The output tail kept per command. */
const TAIL_LINES = 40;
const TAIL_BYTES = 4096;

interface Active {
  cancelled: boolean;
  run: RunRecord | null;
  done: Promise<void>;
}

export class Checker {
  private readonly active = new Map<string, Active>();

  constructor(
    private readonly deps: ManagerDeps,
    private readonly records: Records,
  ) {}

  isRunning(id: string): boolean {
    return this.active.has(id);
  }

  /** The configured check commands of the coder's repository (empty when none). */
  async commands(coder: Coder): Promise<{ commands: string[][]; timeout_s: number }> {
    const s = await this.deps.prep.loadSettings(coder.repo, this.deps.config.worktree_defaults);
    return { commands: s.check, timeout_s: s.check_timeout_s };
  }

  /**
   * Moves the coder to `checking` (with `patch`, e.g. how its run ended) and runs the checks in the
   * background; resolves once they have started. `after`: the state it returns to. Throws
   * not_supported when the repository has no checks.
   */
  async start(
    coder: Coder,
    o: { trigger: CheckReport['trigger']; after: CoderState; patch?: Partial<Coder> },
  ): Promise<void> {
    if (this.active.has(coder.id)) {
      throw new AicoderError('conflict', `the checks of coder ${coder.id} are already running`, {
        field: 'action',
      });
    }
    const { commands, timeout_s } = await this.commands(coder);
    if (commands.length === 0) {
      throw new AicoderError(
        'not_supported',
        `${coder.repo} has no checks: add "check": [["npm", "test"]] to its .aicoder.json`,
        { field: 'action' },
      );
    }
    const report: CheckReport = {
      verdict: 'running',
      trigger: o.trigger,
      started_at: this.records.now(),
      ended_at: null,
      after: o.after,
      results: commands.map((argv) => ({
        argv,
        status: 'pending',
        exit_code: null,
        duration_ms: null,
        tail: '',
      })),
    };
    const a: Active = { cancelled: false, run: null, done: Promise.resolve() };
    this.active.set(coder.id, a);
    try {
      this.records.transition(coder.id, 'checking', { ...(o.patch ?? {}), checks: report });
    } catch (err) {
      this.active.delete(coder.id);
      throw err;
    }
    a.done = this.runAll(coder, report, a, timeout_s * 1000).finally(() => this.active.delete(coder.id));
  }

  /** Ends running checks (the current command's group, SIGKILL after the grace) and waits for the end. */
  async cancel(id: string): Promise<void> {
    const a = this.active.get(id);
    if (!a) return;
    a.cancelled = true;
    if (a.run) this.deps.runner.signal(a.run, 'terminate');
    const run = a.run;
    const kill = run
      ? this.deps.clock.setTimeout(() => this.deps.runner.signal(run, 'kill'), this.deps.config.stop_grace_ms)
      : null;
    await a.done;
    kill?.clear();
  }

  private closing = false;

  /**
   * Daemon shutdown: ends running checks but leaves their coders `checking`; the next start runs
   * them again (resume).
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.active.keys()].map((id) => this.cancel(id)));
  }

  /** Daemon start: a coder left `checking` goes back to its state and its checks run again. */
  async resume(coder: Coder): Promise<void> {
    const after = coder.checks?.after ?? 'completed';
    const cur = this.records.transition(coder.id, after);
    if (!cur) return;
    try {
      await this.start(cur, { trigger: coder.checks?.trigger ?? 'completion', after });
    } catch (err) {
      this.deps.log('warn', 'checks could not run again after a restart', {
        id: coder.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private async runAll(coder: Coder, report: CheckReport, a: Active, timeoutMs: number): Promise<void> {
    const def = this.deps.providers.get(coder.provider);
    const env = def ? runEnv(this.deps, def, coder) : baseEnv(this.deps, coder);
    const redact = buildRedactor(env);
    // Checks get the daemon's environment, not the provider's credentials.
    const checkEnv = baseEnv(this.deps, coder);
    for (const [i, r] of report.results.entries()) {
      if (a.cancelled) {
        r.status = 'skipped';
        continue;
      }
      r.status = 'running';
      this.save(coder.id, report);
      await this.runOne(coder, i, r, a, { env: checkEnv, redact, timeoutMs });
      this.save(coder.id, report);
    }
    if (this.closing) return; // the coder stays `checking`: the next start runs them again
    const bad = report.results.some((r) => r.status !== 'passed' && r.status !== 'skipped');
    report.verdict = bad ? 'failed' : a.cancelled ? 'cancelled' : 'passed';
    report.ended_at = this.records.now();
    const cur = this.records.get(coder.id);
    if (cur?.state === 'checking') this.records.transition(coder.id, report.after, { checks: report });
    else if (cur) this.records.patch(coder.id, { checks: report });
    const passed = report.results.filter((r) => r.status === 'passed').length;
    this.log(coder.id, [`checks ${report.verdict}: ${passed} of ${report.results.length} passed`]);
  }

  private async runOne(
    coder: Coder,
    i: number,
    r: CheckResult,
    a: Active,
    o: { env: Record<string, string>; redact: Redactor; timeoutMs: number },
  ): Promise<void> {
    const { deps } = this;
    const lines: string[] = [];
    const started = Date.now();
    this.log(coder.id, [`$ ${r.argv.map(quote).join(' ')}`]);
    let exited!: (code: number | null) => void;
    const exit = new Promise<number | null>((res) => (exited = res));
    let run: RunRecord;
    try {
      run = await deps.runner.spawn(
        {
          coder_id: coder.id,
          run_no: CHECK_RUN_BASE - i,
          argv: [...r.argv],
          cwd: coder.workspace,
          env: o.env,
          run_dir: join(coderDir(deps.home, coder.id), `check-${i + 1}`),
        },
        {
          onLines: (out) => {
            const red = out.lines.map(o.redact);
            lines.push(...red);
            if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
            this.log(coder.id, red, out.stream);
          },
          onExit: (res) => exited(res.exit_code),
        },
      );
    } catch (e) {
      r.status = 'error';
      r.duration_ms = Date.now() - started;
      r.tail = o.redact(`could not start: ${e instanceof Error ? e.message : String(e)}`);
      this.log(coder.id, [r.tail]);
      return;
    }
    a.run = run;
    let timedOut = false;
    let kill: { clear(): void } | null = null;
    const timer = deps.clock.setTimeout(() => {
      timedOut = true;
      deps.runner.signal(run, 'terminate');
      kill = deps.clock.setTimeout(() => deps.runner.signal(run, 'kill'), deps.config.stop_grace_ms);
    }, o.timeoutMs);
    if (a.cancelled) deps.runner.signal(run, 'terminate');
    const code = await exit;
    timer.clear();
    (kill as { clear(): void } | null)?.clear();
    a.run = null;
    r.duration_ms = Date.now() - started;
    r.exit_code = code;
    r.status = timedOut ? 'timed_out' : a.cancelled ? 'skipped' : code === 0 ? 'passed' : 'failed';
    r.tail = tailText(lines);
    const how =
      r.status === 'timed_out'
        ? `ended after its timeout of ${o.timeoutMs / 1000} s`
        : code === null
          ? 'ended by a signal'
          : `exited ${code}`;
    this.log(coder.id, [`check ${i + 1} ${r.status}: ${how} in ${r.duration_ms} ms`]);
  }

  private save(id: string, report: CheckReport): void {
    this.records.patch(id, { checks: structuredClone(report) });
  }

  private log(id: string, lines: readonly string[], stream: 'stdout' | 'stderr' | 'system' = 'system'): void {
    if (lines.length === 0 || !this.records.get(id)) return;
    const ts = this.records.now();
    const stored = this.deps.store.appendLogs(
      id,
      lines.map((text) => ({ ts, stream, kind: 'check', text })),
    );
    this.records.announceLogs(stored);
  }
}

function baseEnv(deps: ManagerDeps, coder: Coder): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(deps.baseEnv ?? process.env)) if (v !== undefined) env[k] = v;
  env.AICODER_CODER_ID = coder.id;
  env.AICODER_WORKSPACE = coder.workspace;
  return env;
}

/** The last lines, at most TAIL_BYTES (cut at a line start when possible). */
export function tailText(lines: readonly string[]): string {
  let text = lines.join('\n');
  if (Buffer.byteLength(text) > TAIL_BYTES) {
    const buf = Buffer.from(text);
    text = buf
      .subarray(buf.length - TAIL_BYTES)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
    const nl = text.indexOf('\n');
    if (nl >= 0 && nl < text.length - 1) text = text.slice(nl + 1);
  }
  return text;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
