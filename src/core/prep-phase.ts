/**
 * Runs a coder's setup/teardown commands through the Runner (so output is captured like an agent's),
 * and hands out loopback ports that stay distinct across live coders.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Coder } from './coder.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { coderDir } from './paths.js';
import type { RunRecord } from './ports.js';
import type { Records } from './records.js';

export interface CommandsOutcome {
  ok: boolean;
  /** For a failure: the command and the last output lines. */
  argv?: string[];
  exit_code?: number | null;
  tail?: string[];
}

/** Setup runs use negative run numbers, so they never clash with the agent's runs (1, 2, …). */
const SETUP_RUN_BASE = -1;
const TEARDOWN_RUN_BASE = -1001;

export interface CommandsSpec {
  id: string;
  phase: 'setup' | 'teardown';
  commands: readonly (readonly string[])[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** Where output goes: the coder's logs (setup) or only the daemon log (teardown, the coder is going). */
  toLogs: boolean;
  /** Called with each spawned run (so a stop request can signal it) and with null when it ended. */
  onRun?: (run: RunRecord | null) => void;
  /** Checked before each command; true skips the rest (stop requested). */
  cancelled?: () => boolean;
}

export async function runCommands(
  deps: ManagerDeps,
  records: Records,
  spec: CommandsSpec,
): Promise<CommandsOutcome> {
  const { id, phase } = spec;
  const log = (stream: 'stdout' | 'stderr' | 'system', lines: string[]): void => {
    if (!spec.toLogs || lines.length === 0) return;
    const ts = records.now();
    const stored = deps.store.appendLogs(
      id,
      lines.map((text) => ({ ts, stream, kind: phase, text })),
    );
    records.announceLogs(stored);
  };
  for (const [i, argv] of spec.commands.entries()) {
    if (spec.cancelled?.()) return { ok: false, argv: [...argv], exit_code: null, tail: ['cancelled'] };
    log('system', [`$ ${argv.map(quoteForDisplay).join(' ')}`]);
    const tail: string[] = [];
    const runNo = (phase === 'setup' ? SETUP_RUN_BASE : TEARDOWN_RUN_BASE) - i;
    let done!: (code: number | null) => void;
    const exited = new Promise<number | null>((r) => (done = r));
    let run: RunRecord;
    try {
      run = await deps.runner.spawn(
        {
          coder_id: id,
          run_no: runNo,
          argv: [...argv],
          cwd: spec.cwd,
          env: spec.env,
          run_dir: join(coderDir(deps.home, id), `${phase}-${i + 1}`),
        },
        {
          onLines: (out) => {
            log(out.stream, out.lines);
            tail.push(...out.lines);
            if (tail.length > 20) tail.splice(0, tail.length - 20);
          },
          onExit: (res) => done(res.exit_code),
        },
      );
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log('system', [`${phase} command could not start: ${msg}`]);
      return { ok: false, argv: [...argv], exit_code: null, tail: [msg] };
    }
    spec.onRun?.(run);
    const code = await exited;
    spec.onRun?.(null);
    if (code !== 0) {
      log('system', [`${phase} command exited with ${code === null ? 'a signal' : `code ${code}`}`]);
      return { ok: false, argv: [...argv], exit_code: code, tail };
    }
  }
  return { ok: true };
}

export function failureMessage(phase: 'setup' | 'teardown', o: CommandsOutcome): string {
  const cmd = (o.argv ?? []).map(quoteForDisplay).join(' ');
  const how = o.exit_code === null || o.exit_code === undefined ? 'was ended' : `exited ${o.exit_code}`;
  const last = (o.tail ?? []).filter((l) => l.trim() !== '').slice(-3);
  return `${phase} failed: \`${cmd}\` ${how}${last.length ? `: ${last.join(' | ')}` : ''}`.slice(0, 2000);
}

function quoteForDisplay(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** Ports handed out to live coders; each is verified free by binding (PrepPort.freePort). */
export class PortPool {
  private readonly byCoder = new Map<string, number[]>();

  constructor(private readonly deps: Pick<ManagerDeps, 'prep'>) {}

  taken(): Set<number> {
    return new Set([...this.byCoder.values()].flat());
  }

  get(id: string): number[] | undefined {
    return this.byCoder.get(id);
  }

  /** Re-registers ports recorded before a daemon restart. */
  set(id: string, ports: number[]): void {
    this.byCoder.set(id, ports);
  }

  async allocate(id: string, n: number): Promise<number[]> {
    this.release(id);
    const ports: number[] = [];
    this.byCoder.set(id, ports); // visible to concurrent allocations at once
    try {
      for (let i = 0; i < n; i++) ports.push(await this.deps.prep.freePort(this.taken()));
    } catch (e) {
      this.release(id);
      throw new AicoderError('internal', `could not allocate ${n} ports: ${String(e)}`);
    }
    return ports;
  }

  release(id: string): void {
    this.byCoder.delete(id);
  }
}

export function portEnv(ports: readonly number[]): Record<string, string> {
  const env: Record<string, string> = {};
  ports.forEach((p, i) => (env[`AICODER_PORT_${i}`] = String(p)));
  if (ports.length > 0) env.PORT = String(ports[0]);
  return env;
}

const PORTS_FILE = 'ports.json';

/** Restores a re-adopted coder's ports (written at allocation) into the pool. */
export function readPorts(home: string, id: string, pool: PortPool): void {
  try {
    const v = JSON.parse(readFileSync(join(coderDir(home, id), PORTS_FILE), 'utf8')) as unknown;
    if (Array.isArray(v) && v.every((p) => Number.isInteger(p))) pool.set(id, v as number[]);
  } catch {
    /* no ports */
  }
}

/**
 * Before a run: allocate the coder's ports (every run) and run the setup commands (first run only).
 * Returns the extra environment for the agent. A failing setup throws "setup failed: …".
 */
export async function prepareRun(
  deps: ManagerDeps,
  records: Records,
  pool: PortPool,
  o: {
    coder: Coder;
    env: Record<string, string>;
    first: boolean;
    onSetupRun: (r: RunRecord | null) => void;
    cancelled: () => boolean;
  },
): Promise<Record<string, string>> {
  const { coder } = o;
  const settings = await deps.prep.loadSettings(coder.repo, deps.config.worktree_defaults);
  let extra: Record<string, string> = {};
  if (settings.ports > 0) {
    const ports = await pool.allocate(coder.id, settings.ports);
    mkdirSync(coderDir(deps.home, coder.id), { recursive: true });
    writeFileSync(join(coderDir(deps.home, coder.id), PORTS_FILE), JSON.stringify(ports));
    extra = portEnv(ports);
    const text = `ports: ${Object.entries(extra)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`;
    records.announceLogs(
      deps.store.appendLogs(coder.id, [{ ts: records.now(), stream: 'system', kind: 'ports', text }]),
    );
  }
  if (o.first && settings.setup.length > 0) {
    const res = await runCommands(deps, records, {
      id: coder.id,
      phase: 'setup',
      commands: settings.setup,
      cwd: coder.workspace,
      env: { ...o.env, ...extra },
      toLogs: true,
      onRun: o.onSetupRun,
      cancelled: o.cancelled,
    });
    if (!res.ok) throw new AicoderError('conflict', failureMessage('setup', res));
  }
  return extra;
}
