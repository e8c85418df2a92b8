/**
 * Child processes started from a worker thread instead of the event loop's thread. Node's spawn
 * (libuv `uv_spawn`) blocks its thread until the child has called exec: a fork of the whole daemon,
 * then as long as the kernel takes to schedule the child. On a loaded machine that is 5–200 ms per
 * spawn, during which no request, timer or log batch of the daemon runs. Here the spawn blocks only
 * the helper thread; the daemon's loop receives the output as messages.
 *
 * One worker serves every call (lazily started, kept only while calls are open, restarted if it
 * dies); a second one serves `background` calls: its thread runs BACKGROUND_NICE steps nicer than the
 * daemon, and the children it starts inherit that (on Linux the nice value is per thread and fork
 * copies the caller's, setpriority(2) NOTES; elsewhere the child's priority is set right after its
 * spawn). Raising the nice value needs no privilege, so it works for any user. Results follow execa's shape as gitRunner used it (`reject: false`): the exit code, or
 * undefined when the program could not start (`code` is then the errno, e.g. ENOENT) or ended by a
 * signal (`signal`). Like execa's `cleanup`, children still running when the daemon exits are killed.
 */
import { Worker } from 'node:worker_threads';

export interface ThreadSpawnOptions {
  cwd: string;
  /** The child's whole environment (nothing is inherited). */
  env: Record<string, string>;
  /** Text written to stdin (stdin is closed after it); stdin is /dev/null without it. */
  input?: string;
  /** Streamed stdout: called with each chunk in order, and the output is not kept. */
  onStdout?: (chunk: Buffer) => void;
  /**
   * Start the child at a lower CPU priority (BACKGROUND_NICE above the daemon's nice value): for
   * inspection such as `changes`, so the kernel prefers the daemon's thread and the agents.
   */
  background?: boolean;
}

export interface ThreadSpawnResult {
  /** undefined when the child could not start or was ended by a signal. */
  exitCode: number | undefined;
  signal?: string | undefined;
  /** stdout as UTF-8 ('' when streamed through onStdout). */
  stdout: string;
  /** stderr as UTF-8, at most the first 64 KiB when streamed, else up to MAX_BUFFER. */
  stderr: string;
  /** errno code when the spawn failed (ENOENT, EACCES, …). */
  code?: string | undefined;
  /** Why the child could not start, was killed or its output cut (as execa words it). */
  message?: string | undefined;
}

/** A running child: its result, and a way to end it early. */
export interface ThreadChild {
  result: Promise<ThreadSpawnResult>;
  kill(signal?: NodeJS.Signals): void;
}

/** Buffered output beyond this many bytes ends the child (execa's default maxBuffer, 100 MB). */
const MAX_BUFFER = 100_000_000;
const STDERR_STREAMED_MAX = 64 * 1024;
/**
 * How many nice steps (setpriority(2), 0–19) background children run below the daemon. 4, not 10:
 * both keep the daemon's loop within its goal at 200,000 files on a quiet machine (bench/event-loop,
 * p99 13.7 and 10.5 ms at 4, 5.8 and 3.8 ms at 10), but against two CPU-bound processes a
 * `git add -A` took 1.4x its time at nice 0 with 4 and 3x with 10, and a user waits on `changes`.
 */
export const BACKGROUND_NICE = 4;

type ToWorker =
  | {
      t: 'run';
      id: number;
      file: string;
      args: string[];
      cwd: string;
      env: Record<string, string>;
      input?: string;
      stream: boolean;
    }
  | { t: 'kill'; id: number; signal: string };

type FromWorker =
  | { t: 'pid'; id: number; pid: number }
  | { t: 'out'; id: number; chunk: Uint8Array }
  | ({ t: 'done'; id: number } & ThreadSpawnResult);

/**
 * The worker's code (run with `eval`: it needs no file of its own, so it runs the same from dist/ and
 * from the sources under test; it takes node's modules from process.getBuiltinModule, which works
 * whether node evaluates it as CommonJS or, under --input-type=module, as a module). It decodes buffered output itself, so that work stays off
 * the daemon's thread too.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { spawn } = process.getBuiltinModule('node:child_process');
const os = process.getBuiltinModule('node:os');
const NICE = workerData.nice;
// On Linux, pid 0 is this thread alone, and the children it forks inherit its nice value.
const PER_THREAD = NICE > 0 && process.platform === 'linux';
const nicer = (pid) => {
  try { os.setPriority(pid, Math.min(19, os.getPriority(pid) + NICE)); } catch {}
};
if (PER_THREAD) nicer(0);
const MAX_BUFFER = ${MAX_BUFFER};
const STDERR_STREAMED_MAX = ${STDERR_STREAMED_MAX};
const children = new Map();
parentPort.on('message', (m) => {
  if (m.t === 'kill') {
    const c = children.get(m.id);
    if (c) { try { c.kill(m.signal); } catch {} }
    return;
  }
  let child;
  let done = false;
  const out = [];
  const err = [];
  let outBytes = 0;
  let errBytes = 0;
  let message;
  const finish = (r) => {
    if (done) return;
    done = true;
    children.delete(m.id);
    parentPort.postMessage({
      t: 'done',
      id: m.id,
      stdout: m.stream ? '' : Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      message,
      ...r,
    });
  };
  try {
    child = spawn(m.file, m.args, {
      cwd: m.cwd,
      env: m.env,
      stdio: [m.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    message = String(e && e.message);
    finish({ exitCode: undefined, code: e && e.code });
    return;
  }
  children.set(m.id, child);
  if (child.pid !== undefined && NICE > 0 && !PER_THREAD) nicer(child.pid);
  if (child.pid !== undefined) parentPort.postMessage({ t: 'pid', id: m.id, pid: child.pid });
  const tooBig = () => {
    message = 'Command was killed: its output exceeded maxBuffer (' + MAX_BUFFER + ' bytes)';
    try { child.kill(); } catch {}
  };
  child.stdout.on('data', (b) => {
    if (m.stream) {
      parentPort.postMessage({ t: 'out', id: m.id, chunk: b });
      return;
    }
    outBytes += b.length;
    if (outBytes > MAX_BUFFER) return tooBig();
    out.push(b);
  });
  child.stderr.on('data', (b) => {
    const max = m.stream ? STDERR_STREAMED_MAX : MAX_BUFFER;
    if (errBytes >= max) return;
    errBytes += b.length;
    err.push(b);
  });
  if (m.input !== undefined) {
    child.stdin.on('error', () => {});
    child.stdin.end(m.input);
  }
  child.on('error', (e) => {
    message = String(e && e.message);
    // A spawn failure emits only 'error'; a failed kill or write also emits it while the child runs.
    if (child.pid === undefined) finish({ exitCode: undefined, code: e && e.code });
  });
  child.on('close', (code, signal) => {
    if (signal) {
      message = message || 'Command was killed with ' + signal;
      finish({ exitCode: undefined, signal });
    } else {
      finish({ exitCode: code === null ? undefined : code });
    }
  });
});
`;

interface Pending {
  lane: Lane;
  resolve: (r: ThreadSpawnResult) => void;
  onStdout: ((chunk: Buffer) => void) | undefined;
  pid: number | undefined;
}

/** A helper thread and how many of its calls are open. */
interface Lane {
  nice: number;
  worker: Worker | undefined;
  open: number;
}
const lanes = {
  normal: { nice: 0, worker: undefined, open: 0 } as Lane,
  background: { nice: BACKGROUND_NICE, worker: undefined, open: 0 } as Lane,
};
const pending = new Map<number, Pending>();
let nextId = 1;
let exitHook = false;

function failAll(lane: Lane, message: string): void {
  for (const [id, p] of pending) {
    if (p.lane !== lane) continue;
    pending.delete(id);
    p.resolve({ exitCode: undefined, stdout: '', stderr: '', message });
  }
  lane.open = 0;
}

function ensureWorker(lane: Lane): Worker {
  if (lane.worker !== undefined) return lane.worker;
  const w = new Worker(WORKER_SOURCE, {
    eval: true,
    name: lane.nice > 0 ? 'aicoder-spawn-background' : 'aicoder-spawn',
    workerData: { nice: lane.nice },
  });
  w.on('message', (m: FromWorker) => {
    const p = pending.get(m.id);
    if (p === undefined) return;
    if (m.t === 'pid') p.pid = m.pid;
    else if (m.t === 'out') p.onStdout?.(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength));
    else {
      pending.delete(m.id);
      if (--lane.open === 0) w.unref();
      const { t: _t, id: _id, ...result } = m;
      p.resolve(result);
    }
  });
  const gone = (why: string): void => {
    if (lane.worker === w) lane.worker = undefined;
    failAll(lane, `the spawn helper thread ${why}`);
  };
  w.on('error', (e) => gone(`failed: ${e.message}`));
  w.on('exit', (code) => gone(`exited (${code})`));
  w.unref();
  if (!exitHook) {
    exitHook = true;
    // execa's `cleanup`: a child still running when the daemon exits is ended with it.
    process.on('exit', () => {
      for (const p of pending.values()) {
        if (p.pid === undefined) continue;
        try {
          process.kill(p.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
    });
  }
  lane.worker = w;
  return w;
}

/**
 * Runs `file` with `args` (argv array, never a shell) from the helper thread. Never rejects: a
 * failure to start is a result with exitCode undefined and `code` set.
 */
export function spawnOffThread(file: string, args: readonly string[], opts: ThreadSpawnOptions): ThreadChild {
  const lane = opts.background === true ? lanes.background : lanes.normal;
  const w = ensureWorker(lane);
  const id = nextId++;
  const result = new Promise<ThreadSpawnResult>((resolve) => {
    pending.set(id, { lane, resolve, onStdout: opts.onStdout, pid: undefined });
  });
  lane.open++;
  w.ref();
  const msg: ToWorker = {
    t: 'run',
    id,
    file,
    args: [...args],
    cwd: opts.cwd,
    env: opts.env,
    stream: opts.onStdout !== undefined,
    ...(opts.input === undefined ? {} : { input: opts.input }),
  };
  w.postMessage(msg);
  return {
    result,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (pending.has(id)) w.postMessage({ t: 'kill', id, signal } satisfies ToWorker);
    },
  };
}

/** Stops the helper threads (tests; the daemon lets them end with the process). Open calls fail. */
export async function stopSpawnThread(): Promise<void> {
  for (const lane of Object.values(lanes)) {
    const w = lane.worker;
    lane.worker = undefined;
    if (w !== undefined) await w.terminate();
  }
}
