/**
 * How a daemon started in the background tells the process that started it how its startup ended.
 * The starter names a fresh file in AICODER_START_REPORT; `daemon run` writes one JSON object to it,
 * `{pid, ok: true}` once it listens or `{pid, ok: false, code, message}` when startup fails (code: an
 * AicoderError code, or "internal"). The daemon removes the variable from its environment first, so
 * agents never inherit it. Plain files only: the client imports this without loading the daemon.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAicoderError } from '../core/errors.js';

export const START_REPORT_ENV = 'AICODER_START_REPORT';

export interface StartReport {
  pid: number;
  ok: boolean;
  /** Present when ok is false: the AicoderError code, or "internal". */
  code?: string;
  /** Present when ok is false: the error message, as `daemon run` would print it. */
  message?: string;
}

/** A new, unused report path inside the home (the starter removes it when done). */
export function newStartReportPath(home: string): string {
  return join(home, `.start-report-${process.pid}-${randomBytes(4).toString('hex')}.json`);
}

/** Takes the report path out of process.env (so that no child inherits it) and returns it. */
export function takeStartReportPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env[START_REPORT_ENV];
  delete env[START_REPORT_ENV];
  return path !== undefined && path !== '' ? path : null;
}

/** Writes the report atomically; never throws (the starter falls back to the exit status and log). */
export function writeStartReport(path: string | null, outcome: { ok: true } | { error: unknown }): void {
  if (path === null) return;
  const report: StartReport =
    'ok' in outcome
      ? { pid: process.pid, ok: true }
      : {
          pid: process.pid,
          ok: false,
          code: isAicoderError(outcome.error) ? outcome.error.code : 'internal',
          message: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
        };
  try {
    writeFileSync(`${path}.tmp`, JSON.stringify(report) + '\n', { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  } catch {
    /* the starter still sees the exit */
  }
}

/** The report at path, or null while there is none (or it is unreadable). */
export function readStartReport(path: string): StartReport | null {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<StartReport>;
    return typeof v.pid === 'number' && typeof v.ok === 'boolean' ? (v as StartReport) : null;
  } catch {
    return null;
  }
}

export function removeStartReport(path: string): void {
  rmSync(path, { force: true });
  rmSync(`${path}.tmp`, { force: true });
}
