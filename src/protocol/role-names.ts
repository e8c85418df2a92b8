/**
 * What a role may report on its coder endpoint, and the tools it may use (core/roles.ts,
 * docs/roles.md). Plain constants without zod: the daemon's start-up path (core/coder-argv.ts) reads
 * them before it listens, where zod must not load (test/cli/lazy-commands.test.ts).
 */
export const ROLE_REPORTS = ['progress', 'ask_user', 'heartbeat'] as const;
export const ROLE_TOOLS = ['all', 'read_only'] as const;
