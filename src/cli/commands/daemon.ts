/** daemon start | stop | status | run. */
import type { Command } from 'commander';
import { CODER_STATES, type CoderState } from '../../core/coder.js';
import { readOwnerToken } from '../../local/owner-token.js';
import { createHttpClient } from '../../client/http-client.js';
import { loadEnvSettings } from '../../daemon/config.js';
import {
  baseUrlFor,
  probeDaemon,
  startDaemonInBackground,
  stopDaemon,
  waitingNote,
} from '../../daemon/control.js';
import type { CliContext } from '../context.js';
import { reportError } from '../main.js';
import { EXIT_UNREACHABLE } from '../exit-codes.js';
import { duration, stateStyle } from '../format.js';

export interface DaemonStatusJson {
  running: boolean;
  /** false: the daemon is alive (holds the home lock) but did not answer /health. */
  responding?: boolean;
  home: string;
  port: number;
  pid?: number;
  version?: string;
  started_at?: string;
  uptime_s?: number;
  counts?: Record<CoderState, number>;
  /** Configuration files the daemon could not apply (it keeps the last good configuration). */
  config_errors?: { source: string; message: string }[];
}

export function registerDaemonCommands(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  const daemon = program.command('daemon').description('start, stop or inspect the background daemon');

  daemon
    .command('start')
    .description('start the daemon in the background (ready when /health answers)')
    .option('--json', 'print the health record as JSON, with already_running')
    .action(async (o: { json?: boolean }) => {
      const { home, port } = loadEnvSettings(ctx.env);
      const r = await startDaemonInBackground({
        home,
        port,
        env: ctx.env,
        onWaiting: (note) => out.rawErr(`aicoder: ${note}\n`),
      });
      if (o.json) return out.json({ ...r.health, already_running: r.alreadyRunning });
      const verb = r.alreadyRunning ? 'already running' : 'started';
      out.line(
        `aicoder daemon ${verb} on ${baseUrlFor(r.health.port)} (pid ${r.health.pid}, home ${r.health.home})`,
      );
    });

  daemon
    .command('stop')
    .description('stop the daemon gracefully (coders keep running and are re-adopted on the next start)')
    .option('--json', 'print {was_running, pid, signalled} as JSON')
    .action(async (o: { json?: boolean }) => {
      const { home } = loadEnvSettings(ctx.env);
      const r = await stopDaemon({ home });
      if (o.json) return out.json({ was_running: r.wasRunning, pid: r.pid, signalled: r.signalled });
      out.line(
        r.wasRunning ? `stopped the aicoder daemon (pid ${r.pid})` : 'the aicoder daemon is not running',
      );
    });

  daemon
    .command('status')
    .description('is the daemon running: pid, address, uptime and coder counts (exit 3 when not running)')
    .option('--json', 'print the status as JSON')
    .action(async (o: { json?: boolean }) => {
      const { home, port } = loadEnvSettings(ctx.env);
      const probe = await probeDaemon(home);
      if (probe.state === 'unresponsive' || probe.state === 'starting') {
        // Alive (it holds the home lock) but silent: never reported as "not running".
        ctx.exitCode = EXIT_UNREACHABLE;
        const s: DaemonStatusJson = {
          running: true,
          responding: false,
          home,
          port: probe.state === 'unresponsive' ? probe.port : port,
          ...(probe.pid !== null ? { pid: probe.pid } : {}),
        };
        if (o.json) return out.json(s);
        return out.line(waitingNote(probe).replace(/; waiting.*$/, ''));
      }
      const running = probe.state === 'running' ? { health: probe.health } : null;
      if (running === null) {
        ctx.exitCode = EXIT_UNREACHABLE;
        const s: DaemonStatusJson = { running: false, home, port };
        if (o.json) return out.json(s);
        return out.line(`the aicoder daemon is not running (home ${home})`);
      }
      const { health } = running;
      const client = createHttpClient({ baseUrl: baseUrlFor(health.port), token: readOwnerToken(home) });
      const totals = await Promise.all(CODER_STATES.map((s) => client.list({ states: [s], limit: 1 })));
      const counts = Object.fromEntries(CODER_STATES.map((s, i) => [s, totals[i]!.total])) as Record<
        CoderState,
        number
      >;
      const uptime = Math.max(0, Math.floor((Date.now() - new Date(health.started_at).getTime()) / 1000));
      const s: DaemonStatusJson = {
        running: true,
        responding: true,
        home: health.home,
        port: health.port,
        pid: health.pid,
        version: health.version,
        started_at: health.started_at,
        uptime_s: uptime,
        counts,
        ...(health.config_errors?.length ? { config_errors: health.config_errors } : {}),
      };
      if (o.json) return out.json(s);
      const nonZero = CODER_STATES.filter((st) => counts[st] > 0);
      const summary =
        nonZero.length === 0
          ? 'none'
          : nonZero.map((st) => `${counts[st]} ${out.paint(stateStyle(st), st)}`).join(' · ');
      out.line(`aicoder daemon ${out.paint('green', 'running')}`);
      out.line(`  pid       ${health.pid}`);
      out.line(`  address   ${baseUrlFor(health.port)}`);
      out.line(`  home      ${health.home}`);
      out.line(`  version   ${health.version}`);
      out.line(`  uptime    ${duration(uptime)}`);
      out.line(`  coders    ${summary}`);
      for (const e of health.config_errors ?? []) out.line(out.paint('red', `  config    ${e.message}`));
    });

  daemon
    .command('run')
    .description('run the daemon in the foreground (logs to AICODER_HOME/daemon.log)')
    .action(async () => {
      const { runDaemonForeground } = await import('../daemon-run.js');
      await runDaemonForeground(ctx.env, (e) => reportError(e, out, ctx.env));
    });
}
