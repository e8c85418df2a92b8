/**
 * git with streamed, NUL-separated output (`-z`): records reach the callback chunk by chunk as git
 * writes them, so a 200,000-line answer never sits in one string nor blocks the event loop in one
 * split. Same argv, environment and worktree checks as gitRunner (gitInvocation), and like it started
 * from the helper thread when `offThread` is set.
 */
import { StringDecoder } from 'node:string_decoder';
import { execa } from 'execa';
import { spawnOffThread } from './spawn-thread.js';
import { gitInvocation, startFailure, type GitRunnerOptions, type GitRunOptions } from './exec.js';

export interface StreamResult {
  exitCode: number;
  /** git's stderr (first 64 KiB). */
  stderr: string;
}

/** Calls `onRecords` with the complete NUL-terminated records of each chunk of stdout, in order. */
export type GitStreamer = (
  args: readonly string[],
  opts: GitRunOptions,
  onRecords: (records: string[]) => void,
) => Promise<StreamResult>;

const STDERR_MAX = 64 * 1024;

export function gitStreamer(gitBinary = 'git', runnerOpts: GitRunnerOptions = {}): GitStreamer {
  const invocation = gitInvocation(runnerOpts);
  return async (args, opts, onRecords) => {
    const { argv, env } = await invocation(args, opts);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let failed: Error | undefined;
    let kill = (): void => undefined;
    const onChunk = (chunk: Buffer): void => {
      if (failed !== undefined) return;
      const text = rest + decoder.write(chunk);
      const parts = text.split('\0');
      rest = parts.pop() ?? '';
      if (parts.length === 0) return;
      try {
        onRecords(parts);
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
        kill();
      }
    };
    let r: {
      exitCode: number | undefined;
      stderr: string;
      code?: string | undefined;
      message?: string | undefined;
    };
    if (runnerOpts.offThread === true) {
      const child = spawnOffThread(gitBinary, argv, {
        cwd: opts.cwd,
        env,
        onStdout: onChunk,
        background: runnerOpts.background === true,
      });
      kill = () => child.kill();
      r = await child.result;
    } else {
      const child = execa(gitBinary, argv, {
        cwd: opts.cwd,
        env,
        extendEnv: false,
        reject: false,
        buffer: false,
        stdin: 'ignore',
      });
      kill = () => void child.kill();
      let stderr = '';
      child.stdout?.on('data', onChunk);
      child.stderr?.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_MAX) stderr += chunk.toString('utf8');
      });
      const done = await child;
      r = { exitCode: done.exitCode, stderr, code: done.code, message: done.message };
    }
    if (failed !== undefined) throw failed;
    if (r.exitCode === undefined) throw await startFailure(gitBinary, args, opts.cwd, r);
    rest += decoder.end();
    if (rest !== '') onRecords([rest]);
    return { exitCode: r.exitCode, stderr: r.stderr };
  };
}
