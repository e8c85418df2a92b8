/**
 * Terminal safety and fidelity of the CLI, on a real daemon, real agents and pipes:
 * - control sequences in agent text (logs, status, list, names, tasks, questions) are shown inert;
 *   `logs --raw` gives the bytes as they are;
 * - wide characters (emoji, CJK) keep `list`'s columns aligned;
 * - a closed stdout (`| head`) ends any command silently with exit code 0.
 */
import { spawn } from 'node:child_process';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coder } from '../../src/core/coder.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import {
  BIN,
  TEST_PROVIDERS,
  cleanupHome,
  cli,
  cliJson,
  makeHome,
  startDaemon,
  type RunningDaemon,
  type TestHome,
  logText,
} from '../helpers/daemon.js';
import { scaled } from '../helpers/load.js';

// eslint-disable-next-line no-control-regex
const LIVE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

const SH = {
  name: 'sh',
  description: 'runs the task as a bash script',
  command: ['bash', '-c', 'eval "$1"', '_', '{task}'],
  parser: 'text',
};

let h: TestHome;
let d: RunningDaemon;
let repo: string;

beforeAll(async () => {
  h = await makeHome({ providers: [...TEST_PROVIDERS, SH] });
  d = await startDaemon(h);
  repo = makeRepo();
}, scaled(60_000));

afterAll(async () => {
  await cleanupHome(h, d);
  cleanupTemp();
});

async function finished(args: string[]): Promise<Coder> {
  const c = await cliJson<Coder>(h, ['create', ...args], { cwd: repo });
  await cli(h, ['wait', c.id], { code: c.provider === 'sh' ? undefined : 0 }).catch(() => undefined);
  return cliJson<Coder>(h, ['status', c.id]);
}

/** Runs the CLI with its stdout closed by the reader after `readBytes` bytes (like `| head -c N`). */
function withClosedStdout(
  args: string[],
  readBytes: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      cwd: h.userHome,
      env: h.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let seen = 0;
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const close = () => p.stdout.destroy();
    if (readBytes === 0) close();
    else
      p.stdout.on('data', (b: Buffer) => {
        seen += b.length;
        if (seen >= readBytes) close();
      });
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe('terminal safety: agent text is shown with its control sequences inert', () => {
  it('logs: OSC 52 clipboard, OSC 0 title, clear screen, NUL and CR are visible and inert; --raw keeps them', async () => {
    const script = [
      "printf '\\033]52;c;cHduZWQ=\\007clip\\n'",
      "printf '\\033]0;title\\007t\\n'",
      "printf '\\033[2Jcleared\\n'",
      "printf 'nul\\000byte\\n'",
      "printf '50%%\\r100%%\\n'",
      "printf '\\033[31mred\\033[0m\\n'",
      "printf '\\233' ; printf '2J8bit\\n'",
    ].join('; ');
    const c = await finished(['--provider', 'sh', '--name', 'osc-test', script]);
    const text = logText(await cli(h, ['logs', c.id]));
    expect(LIVE_CONTROL.test(text), JSON.stringify(text)).toBe(false);
    expect(text).toContain('␛]52;c;cHduZWQ=␇clip');
    expect(text).toContain('␛]0;title␇t');
    expect(text).toContain('␛[2Jcleared');
    expect(text).toContain('nul␀byte');
    expect(text).toContain('50%␍100%');
    expect(text).toMatch(/^red$/m);

    const raw = await cli(h, ['logs', c.id, '--raw']);
    expect(raw).toContain('\x1b]52;c;cHduZWQ=\x07clip');
    expect(raw).toContain('\x1b[2Jcleared');
  });

  it('status, list, wait and create print names, tasks and errors inert', async () => {
    const name = 'evil\x1b]0;pwned\x07\x1b[2J\x07name';
    const c = await finished([
      '--provider',
      'sh',
      '--name',
      name,
      "printf 'last \\033]52;c;eA==\\007 words\\n'; exit 3",
    ]);
    for (const args of [['status', c.id], ['list'], ['wait', c.id]]) {
      const r = await cli(h, args, { code: args[0] === 'wait' ? 1 : 0 });
      expect(LIVE_CONTROL.test(r), `${args.join(' ')}: ${JSON.stringify(r)}`).toBe(false);
      expect(r).toContain(args[0] === 'wait' ? c.id : 'evil␛]0;pwned␇␛[2J␇name');
    }
    const created = await cli(h, ['create', '--provider', 'echo', '--name', 'x\x1b]52;c;eA==\x07', 'hi'], {
      cwd: repo,
    });
    expect(LIVE_CONTROL.test(created), JSON.stringify(created)).toBe(false);
    expect(created).toContain('x␛]52;c;eA==␇');
  });
});

describe('wide characters: list columns are measured in terminal cells', () => {
  it('emoji, CJK, VS16 and ZWJ names keep every column aligned', async () => {
    const names = ['✅✅✅ done ⚡⚡', '修复 登录 bug 🐛', '❤️ family 👨‍👩‍👧', 'plain ascii name'];
    for (const n of names)
      await cliJson<Coder>(h, ['create', '--provider', 'echo', '--name', n, 'x'], { cwd: repo });
    const text = await cli(h, ['list']);
    const lines = text.split('\n').filter((l) => l !== '');
    const header = lines[0]!;
    const at = (l: string, col: string) => stringWidth(l.slice(0, l.indexOf(col)));
    for (const n of names) {
      const row = lines.find((l) => l.includes(n.slice(0, 4)));
      expect(row, n).toBeDefined();
      // The PROVIDER column starts at the same cell in the header and in this row.
      expect(at(row!, ' echo ') + 1, `${n}\n${text}`).toBe(at(header, 'PROVIDER'));
    }
  });
});

describe('closed stdout: a reader that goes away ends the command silently with exit 0', () => {
  it('status | head: no EPIPE stack trace, exit code 0', async () => {
    const c = await cliJson<Coder>(h, ['create', '--provider', 'echo', 'hello'], { cwd: repo });
    for (const args of [['status', c.id], ['list'], ['logs', c.id], ['providers'], ['--help']]) {
      const r = await withClosedStdout(args, 0);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('logs -f | head: ends with exit 0 once the reader is gone', async () => {
    const c = await cliJson<Coder>(h, ['create', '--provider', 'stubborn', 'tick'], { cwd: repo });
    const r = await withClosedStdout(['logs', '-f', c.id], 200);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await cli(h, ['stop', c.id]);
    await waitFor(async () => (await cliJson<Coder>(h, ['status', c.id])).state !== 'running', {
      what: 'stubborn coder stopped',
      timeoutMs: 20_000,
    });
  });
});
