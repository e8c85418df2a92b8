/**
 * The daemon's own log, as the core writes to it.
 * Part of the core's ports (../ports.ts re-exports them all).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, data?: Record<string, unknown>) => void;
