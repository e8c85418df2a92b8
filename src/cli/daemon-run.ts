/**
 * `aicoder daemon run`: the daemon in the foreground, shared by the commander command
 * (commands/daemon.ts) and bin/aicoder.js's fast path, which runs it without loading commander, the
 * CLI's output (string-width) or any other command (docs/performance.md, figure 9: the daemon's cold
 * start counts every module loaded before it listens). Prints one line once it listens; on a failed
 * start, `fail` words the error (exit codes as in exit-codes.ts) and the process exits with its code.
 */
import { takeStartReportPath, writeStartReport } from '../daemon/start-report.js';
import { baseUrlFor } from '../daemon/daemon-info.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Runs the daemon until it stops, then exits the process (with `fail`'s code on a failed start). */
export async function runDaemonForeground(
  env: Env,
  fail: (e: unknown) => number | Promise<number>,
): Promise<never> {
  // A starter (start-report.ts) learns how startup ended; agents must not inherit the variable.
  const report = takeStartReportPath();
  let code: number;
  try {
    // Loaded here so that other commands do not load the store and the manager.
    const { runDaemon } = await import('../daemon/lifecycle.js');
    // The MCP modules (SDK, ajv, undici) load on the first MCP request, not before /health answers.
    const mcpModule = () => import('../mcp/index.js');
    code = await runDaemon({
      env,
      mcp: (manager, o) => {
        const make = async () => (await mcpModule()).createMcpHttpHandler(manager, o);
        let h: ReturnType<typeof make> | null = null;
        return {
          handle: async (req, res) => (await (h ??= make())).handle(req, res),
          close: async () => {
            if (h !== null) await (await h).close();
          },
        };
      },
      coderMcp: (side, o) => {
        const make = async () => (await mcpModule()).createCoderMcpHandler(side, o);
        let h: ReturnType<typeof make> | null = null;
        return { handle: async (req, res, id) => (await (h ??= make())).handle(req, res, id) };
      },
      onReady: (h) => {
        writeStartReport(report, { ok: true });
        process.stdout.write(
          `aicoder daemon listening on ${baseUrlFor(h.port)} (pid ${h.pid}, home ${h.home})\n`,
        );
      },
    });
  } catch (e) {
    // Worded first (the fast path loads the CLI's output for it), then reported: a starter that
    // reads the report finds this process gone a moment later, not still loading modules.
    const failCode = await Promise.resolve()
      .then(() => fail(e))
      .catch(() => 1);
    writeStartReport(report, { error: e });
    // Exit now: a handle left open by the failed start must not keep a dead daemon alive.
    process.exitCode = failCode;
    process.exit();
  }
  process.exit(code);
}
