/**
 * The ports the core depends on. Implementations live in the outer folders (store/, git/, process/,
 * providers/, workspace/) and are injected by the daemon. The core imports none of them.
 */
export * from './ports/store.js';
export * from './ports/git.js';
export * from './ports/workspace.js';
export * from './ports/process.js';
export * from './ports/providers.js';
export * from './ports/clock.js';
export * from './ports/logging.js';
