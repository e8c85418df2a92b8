#!/usr/bin/env node
// `aicoder mcp` skips the CLI: the stdio bridge answers initialize before anything else loads.
if (process.argv[2] === 'mcp' && process.argv.length === 3) {
  const { runBridgeProcess } = await import('../dist/mcp/bridge-main.js');
  await runBridgeProcess();
} else {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
