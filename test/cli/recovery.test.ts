/** Recovery and the concurrency cap through the real CLI: a daemon killed with -9 while coders print, and max_concurrent. */
import type { DaemonStatusJson } from '../../src/cli/commands/daemon.js';
import type { ListCodersPage } from '../../src/core/ports.js';
import type { Coder } from '../../src/core/coder.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import type { CoderState } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import {
  cli,
  cliJson,
  makeHome,
  pidAlive,
  runCli,
  startDaemon,
  TEST_PROVIDERS,
  type RunningDaemon,
  type TestHome,
  logText,
} from '../helpers/daemon.js';

let h: TestHome | undefined;
let d: RunningDaemon | undefined;

// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterEach(cleanupTemp);

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

/**
 * Task "N CODE GATE": prints "line 1".."line N" (25 ms apart), waiting after line N/2 until the file
 * GATE exists, then exits with CODE. The test opens the gate, so the coder is alive at the kill
 * whatever the machine's load.
 */
const GATED_LINES = {
  name: 'gatedlines',
  description: 'prints N lines, holding at N/2 until the gate file exists',
  command: [
    'bash',
    '-c',
    'read -r n code gate <<< "$1"; for i in $(seq 1 "$n"); do echo "line $i"; sleep 0.025; if [ "$i" -eq $((n / 2)) ]; then while [ ! -e "$gate" ]; do sleep 0.05; done; fi; done; exit "$code"',
    '_',
    '{task}',
  ],
  parser: 'text',
};

describe('recovery and concurrency through the CLI', () => {
  it('kill -9 of the daemon while coders print: every line once after a restart, right exit codes, interrupted', async () => {
    h = await makeHome({ providers: [...TEST_PROVIDERS, GATED_LINES] });
    d = await startDaemon(h);
    const repo = makeRepo();
    const gate = join(h.userHome, 'gate');
    const create = (task: string, provider = 'lines') =>
      cliJson<Coder>(h!, ['create', '--provider', provider, task], { cwd: repo });
    const a = await create(`120 0 ${gate}`, 'gatedlines');
    const b = await create(`120 3 ${gate}`, 'gatedlines');
    const c = await create('12 0 0.025');
    const k = await create('tick', 'stubborn');
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    await waitFor(
      async () => {
        for (const x of [a, b, c, k]) if ((await client.logs(x.id, { tail: 1 })).next_seq < 3) return false;
        return true;
      },
      { what: 'every coder printing' },
    );
    const pids = Object.fromEntries(
      await Promise.all(
        [a, b, c, k].map(async (x) => [x.id, (await client.get(x.id)).pid as number] as const),
      ),
    );

    process.kill(d.pid, 'SIGKILL');
    await waitFor(() => d!.proc.signalCode === 'SIGKILL', { what: 'daemon killed' });
    // While it is away: one coder is killed with its whole group, one ends on its own.
    process.kill(-pids[k.id]!, 'SIGKILL');
    await waitFor(() => !pidAlive(pids[k.id]!) && !pidAlive(pids[c.id]!), { what: 'k killed and c ended' });
    expect(pidAlive(pids[a.id]!)).toBe(true); // held at its gate, to be re-adopted
    writeFileSync(gate, '');

    // Any command brings the daemon back (autostart); wait reports the right outcome.
    const wa = await runCli(h, ['wait', a.id]);
    expect(wa).toMatchObject({ code: 0, stderr: '' });
    expect((await runCli(h, ['wait', b.id])).code).toBe(1);
    expect((await runCli(h, ['wait', c.id])).code).toBe(0);
    expect((await runCli(h, ['wait', k.id])).code).toBe(1);

    expect(logText(await cli(h, ['logs', a.id, '--kind', 'text']))).toBe(numbered(120));
    expect(logText(await cli(h, ['logs', b.id, '--kind', 'text']))).toBe(numbered(120));
    expect(logText(await cli(h, ['logs', c.id, '--kind', 'text']))).toBe(numbered(12));
    expect(await cliJson<Coder>(h, ['status', a.id])).toMatchObject({ state: 'completed', exit_code: 0 });
    expect(await cliJson<Coder>(h, ['status', b.id])).toMatchObject({ state: 'failed', exit_code: 3 });
    expect(await cliJson<Coder>(h, ['status', c.id])).toMatchObject({ state: 'completed', exit_code: 0 });
    const killed = await cliJson<Coder>(h, ['status', k.id]);
    expect(killed.state).toBe('interrupted');
    expect(killed.exit_code).toBeNull();
    // The restarted daemon is a new, detached process that owns the home.
    const status = await cliJson<DaemonStatusJson>(h, ['daemon', 'status']);
    expect(status.pid).not.toBe(d.pid);
    expect(status.counts).toMatchObject({ completed: 2, failed: 1, interrupted: 1 });
  });

  it('10 coders with max_concurrent 3: never more than 3 at once, and all complete', async () => {
    h = await makeHome({ config: { max_concurrent: 3 } });
    d = await startDaemon(h);
    const repo = makeRepo();
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    const live = new Map<string, CoderState>();
    let maxLive = 0;
    let connected = false;
    const holding: CoderState[] = ['starting', 'running', 'paused'];
    const sub = client.subscribe({
      onStatus: (s) => (connected ||= s === 'connected'),
      onEvent: (e) => {
        if (e.type === 'coder.log' || e.type === 'coder.removed') return;
        live.set(e.coder.id, e.coder.state);
        maxLive = Math.max(maxLive, [...live.values()].filter((s) => holding.includes(s)).length);
      },
    });
    try {
      await waitFor(() => connected, { what: 'events connected' });
      // One create and one wait go through the CLI; the other nine use the HTTP client in-process,
      // so that 20 CLI processes do not compete with the coders for a loaded machine's cores.
      const first = await cliJson<Coder>(h, ['create', '--provider', 'lines', '15 0 0.05'], { cwd: repo });
      const rest = await Promise.all(
        Array.from({ length: 9 }, () => client.create({ repo, provider: 'lines', task: '15 0 0.05' })),
      );
      const created = [first, ...rest];
      expect((await runCli(h, ['wait', first.id])).code).toBe(0);
      const outcomes = await Promise.all(
        rest.map((c) => client.wait(c.id, { for: 'terminal', timeout_ms: 120_000 })),
      );
      expect(outcomes.map((o) => o.coder.state)).toEqual(Array(9).fill('completed'));
      const page = await cliJson<ListCodersPage>(h, ['list', '--state', 'completed']);
      expect(page.total).toBe(10);
      // The cap held, and was used.
      expect(maxLive).toBeLessThanOrEqual(3);
      expect(maxLive).toBe(3);
      // Independently of the events: the recorded run intervals never overlap more than 3 deep.
      const edges = page.coders.flatMap((c) => [
        { t: Date.parse(c.started_at!), d: 1 },
        { t: Date.parse(c.ended_at!), d: -1 },
      ]);
      edges.sort((x, y) => x.t - y.t || x.d - y.d);
      let depth = 0;
      let deepest = 0;
      for (const e of edges) deepest = Math.max(deepest, (depth += e.d));
      expect(deepest).toBeLessThanOrEqual(3);
      for (const c of created)
        expect(logText(await cli(h, ['logs', c.id, '--kind', 'text']))).toBe(numbered(15));
    } finally {
      sub.close();
    }
  });
});
