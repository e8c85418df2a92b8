#!/usr/bin/env node
// `aicoder mcp` skips the CLI: the stdio bridge answers initialize before anything else loads.
// `aicoder daemon run` skips it too: it runs dist/cli/daemon-run.bundle.js (src/cli/daemon-run.ts and
// what it loads before listening, bundled by scripts/bundle-daemon.mjs); the cold start counts every
// module loaded before it listens; the CLI's modules load only to word a failed start.
// `aicoder list --json` tries the fast path first (src/cli/fast-path.ts); it falls back to the CLI.
const args = process.argv.slice(2);
if (args[0] === 'mcp' && args.length === 1) {
  const { runBridgeProcess } = await import('../dist/mcp/bridge-main.js');
  await runBridgeProcess();
} else if (args[0] === 'daemon' && args[1] === 'run' && args.length === 2) {
  // A tsc run after the last `npm run build` (dist/.tsbuildinfo newer than the bundle) made the
  // bundle stale: the unbundled start path runs the code just compiled, only slower.
  const { statSync } = await import('node:fs');
  const mtime = (p) => statSync(new URL(p, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const stale = mtime('../dist/.tsbuildinfo') > mtime('../dist/cli/daemon-run.bundle.js');
  const { runDaemonForeground } = await import(
    stale ? '../dist/cli/daemon-run.js' : '../dist/cli/daemon-run.bundle.js'
  );
  await runDaemonForeground(process.env, async (e) => {
    const [{ reportError }, { createOutput }] = await Promise.all([
      import('../dist/cli/main.js'),
      import('../dist/cli/output.js'),
    ]);
    return reportError(e, createOutput(process.env), process.env);
  });
} else if (
  !(args.length === 2 && args[1] === '--json' && (args[0] === 'list' || args[0] === 'ls')) ||
  !(await (await import('../dist/cli/fast-path.js')).runFastPath(args))
) {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
