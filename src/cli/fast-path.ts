/**
 * The hot read command without the CLI around it (docs/performance.md, figure 5): `aicoder list
 * --json` (or `ls --json`) against a running daemon loads neither commander nor the table output nor
 * the daemon-control modules. It asks the daemon exactly what the full command asks, in the same
 * order — `/health` first, and the owner token only to the daemon that says it owns this home
 * (pid and home as in daemon.json, as `probeDaemon` checks) — and prints the same bytes.
 *
 * Anything else returns false before printing anything, and the full CLI runs as usual: other
 * arguments, no daemon (it would be started), a daemon that does not answer /health within 2 s, an
 * error answer (the full CLI words it), coders of a group (the full output adds the groups).
 */
import { readOwnerToken, bearerHeaders } from '../local/owner-token.js';
import { httpRequest } from '../local/http-request.js';
import { pidAlive, readDaemonInfo } from '../daemon/daemon-info.js';
import { loadEnvSettings } from '../local/env-settings.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The argument lists the fast path answers (argv without node and script). */
export function isFastPath(args: readonly string[]): boolean {
  return args.length === 2 && (args[0] === 'list' || args[0] === 'ls') && args[1] === '--json';
}

/**
 * Runs `args` on the fast path when it can: true when it printed the answer (exit code 0), false
 * when the full CLI must run (nothing was printed).
 */
export async function runFastPath(args: readonly string[], env: Env = process.env): Promise<boolean> {
  if (!isFastPath(args)) return false;
  try {
    const { home } = loadEnvSettings(env);
    const info = readDaemonInfo(home);
    if (info === null || !pidAlive(info.pid)) return false;
    const base = `http://127.0.0.1:${info.port}`;
    const health = await httpRequest(`${base}/health`, { timeoutMs: 2000 });
    if (!health.ok) return false;
    const h = JSON.parse(health.text) as { ok?: unknown; pid?: unknown; home?: unknown };
    if (h.ok !== true || h.pid !== info.pid || h.home !== home) return false;
    // The full command's request: its default --limit is 50.
    const res = await httpRequest(`${base}/api/coders?limit=50`, {
      headers: { accept: 'application/json', ...bearerHeaders(readOwnerToken(home)) },
    });
    if (!res.ok) return false;
    const page = JSON.parse(res.text) as { coders?: { group_id?: unknown }[] };
    if (!Array.isArray(page.coders) || page.coders.some((c) => c.group_id)) return false;
    await new Promise<void>((resolve) => {
      process.stdout.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(0);
        throw e;
      });
      process.stdout.write(JSON.stringify(page, null, 2) + '\n', () => resolve());
    });
    return true;
  } catch {
    return false;
  }
}
