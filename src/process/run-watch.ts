/**
 * Watches one run: tails its stdout/stderr files (one inotify watch on the run directory drives both),
 * and when the run has ended drains all output and calls onExit exactly once, after every line.
 */
import { rmSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type {
  ExitResult,
  Logger,
  OutputLines,
  OutputOffsets,
  RunObserver,
  RunRecord,
} from '../core/ports.js';
import type { LineBatch } from './line-buffer.js';
import { StreamTailer } from './tailer.js';
import { EXIT_STATUS_FILE, STDERR_FILE, STDOUT_FILE } from './wrapper.js';

export interface RunWatchOptions {
  run: RunRecord;
  obs: RunObserver;
  log: Logger;
  /** Called on every change of the exit-status file (adopted runs, whose exit we cannot wait for). */
  onExitStatusChange?: () => void;
  /** Called once the watch is over (finished or detached). */
  onClosed: () => void;
}

export class RunWatch {
  readonly run: RunRecord;
  private readonly obs: RunObserver;
  private readonly log: Logger;
  private readonly stdout: StreamTailer;
  private readonly stderr: StreamTailer;
  private watcher: FSWatcher | null = null;
  private finishing: Promise<void> | null = null;
  private detaching: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly opts: RunWatchOptions) {
    this.run = opts.run;
    this.obs = opts.obs;
    this.log = opts.log;
    const { run_dir, offsets } = opts.run;
    this.stdout = new StreamTailer(
      join(run_dir, STDOUT_FILE),
      offsets.stdout,
      (b) => this.obs.onLines(linesOf('stdout', b)),
      opts.log,
    );
    this.stderr = new StreamTailer(
      join(run_dir, STDERR_FILE),
      offsets.stderr,
      (b) => this.obs.onLines(linesOf('stderr', b)),
      opts.log,
    );
  }

  get key(): string {
    return runKey(this.run);
  }

  /** Offsets up to which lines have been delivered. */
  get offsets(): OutputOffsets {
    return { stdout: this.stdout.offset, stderr: this.stderr.offset };
  }

  /** True once the run has ended or the watch was detached: nothing more to check. */
  get isOver(): boolean {
    return this.finishing !== null || this.detaching !== null;
  }

  /** Starts watching, then reads what is already there (so nothing written in between is missed). */
  start(): void {
    try {
      this.watcher = watch(this.run.run_dir, (_event, filename) => this.onDirEvent(filename));
      this.watcher.on('error', (e) => {
        this.log('warn', 'run directory watch failed; output arrives when the run ends', {
          run_dir: this.run.run_dir,
          error: String(e),
        });
        this.closeWatcher();
      });
    } catch (e) {
      this.log('warn', 'cannot watch run directory; output arrives when the run ends', {
        run_dir: this.run.run_dir,
        error: String(e),
      });
    }
    this.kick();
  }

  /** Reads whatever is new in both files. */
  kick(): void {
    this.stdout.kick();
    this.stderr.kick();
  }

  /**
   * The run has ended: delivers all remaining output, then onExit(result) unless result is null
   * ('gone'). Idempotent: later calls wait for the first. A no-op once detached.
   */
  finish(result: ExitResult | null): Promise<void> {
    if (this.detaching !== null) return this.detaching;
    this.finishing ??= this.doFinish(result);
    return this.finishing;
  }

  /**
   * Stops watching without touching the process; no callbacks after this resolves. A finish already
   * under way completes first (its onExit is still delivered).
   */
  detach(): Promise<void> {
    if (this.finishing !== null) return this.finishing;
    this.detaching ??= this.doDetach();
    return this.detaching;
  }

  private async doDetach(): Promise<void> {
    this.closeWatcher();
    await Promise.all([this.stdout.stop(), this.stderr.stop()]);
    this.close();
  }

  private async doFinish(result: ExitResult | null): Promise<void> {
    this.closeWatcher();
    try {
      const all = (await this.stdout.drain()) && (await this.stderr.drain());
      // Every line is stored (redacted): the raw output, which may hold secrets, goes.
      if (all) this.removeRawOutput();
      if (result !== null) {
        try {
          this.obs.onExit(result);
        } catch (e) {
          this.log('error', 'exit observer threw', { coder_id: this.run.coder_id, error: String(e) });
        }
      }
    } finally {
      await Promise.all([this.stdout.stop(), this.stderr.stop()]);
      this.close();
    }
  }

  private removeRawOutput(): void {
    for (const name of [STDOUT_FILE, STDERR_FILE]) {
      try {
        rmSync(join(this.run.run_dir, name), { force: true });
      } catch (e) {
        this.log('warn', 'cannot remove raw output', {
          run_dir: this.run.run_dir,
          file: name,
          error: String(e),
        });
      }
    }
  }

  private onDirEvent(filename: string | Buffer | null): void {
    const name = filename === null ? null : filename.toString();
    if (name === STDOUT_FILE) this.stdout.kick();
    else if (name === STDERR_FILE) this.stderr.kick();
    else if (name === EXIT_STATUS_FILE) this.opts.onExitStatusChange?.();
    else if (name === null) {
      this.kick();
      this.opts.onExitStatusChange?.();
    }
  }

  private closeWatcher(): void {
    const w = this.watcher;
    this.watcher = null;
    w?.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.onClosed();
  }
}

export function runKey(run: Pick<RunRecord, 'coder_id' | 'run_no'>): string {
  return `${run.coder_id}#${run.run_no}`;
}

/** A batch as the observer sees it: the bytes, and the lines decoded only if asked for. */
function linesOf(stream: 'stdout' | 'stderr', b: LineBatch): OutputLines {
  return {
    stream,
    offset: b.end,
    bytes: b.bytes,
    count: b.count,
    get lines() {
      return b.lines;
    },
  };
}
