#!/usr/bin/env node
// `aicoder mcp` skips the CLI: the stdio bridge answers initialize before anything else loads.
// `aicoder list --json` tries the fast path first (src/cli/fast-path.ts); it falls back to the CLI.
const args = process.argv.slice(2);
if (args[0] === 'mcp' && args.length === 1) {
  const { runBridgeProcess } = await import('../dist/mcp/bridge-main.js');
  await runBridgeProcess();
} else if (
  !(args.length === 2 && args[1] === '--json' && (args[0] === 'list' || args[0] === 'ls')) ||
  !(await (await import('../dist/cli/fast-path.js')).runFastPath(args))
) {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
