/**
 * The new-coder form's provider, narrow terminals and the status bar's messages:
 * - the form starts on the configured default_provider; providers not installed are marked, last;
 * - priority-based truncation at 60x15 and 80x24: the selected provider, `? help` and `q quit` stay;
 * - a stale error goes once a later action succeeds; a removal is confirmed in the status bar.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cleanup } from 'ink-testing-library';
import stringWidth from 'string-width';
import type { ProviderInfo } from '../../src/core/api.js';
import { providerChoices } from '../../src/tui/components/new-coder-form.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { KEY, NOW, frame, has, press, renderApp, rowOf } from './render.js';

afterEach(() => cleanup());

const status = (installed: boolean): ProviderInfo['status'] => ({
  installed,
  path: installed ? '/usr/bin/x' : null,
  version: null,
  install_hint: installed ? null : "install 'x' or put it on the daemon's PATH",
  credentials: 'n/a',
  credentials_detail: '',
});

const PROVIDERS: ProviderInfo[] = [
  {
    name: 'aider',
    description: 'Aider',
    parser: 'aider',
    command: ['aider'],
    source: 'builtin',
    status: status(false),
  },
  {
    name: 'claude',
    description: 'Claude Code',
    parser: 'claude',
    command: ['claude'],
    source: 'builtin',
    status: status(true),
  },
  {
    name: 'codex',
    description: 'OpenAI Codex CLI, headless exec mode with JSON events',
    parser: 'codex',
    command: ['codex'],
    source: 'builtin',
    status: status(true),
  },
  {
    name: 'gemini',
    description: 'Gemini CLI',
    parser: 'gemini',
    command: ['gemini'],
    source: 'builtin',
    status: status(false),
  },
];

function client(defaultProvider = 'codex'): MemoryClient {
  const c = new MemoryClient({ now: () => NOW - 60_000, providers: PROVIDERS, defaultProvider });
  c.add({
    id: 's0000001',
    name: 'first coder',
    state: 'completed',
    created_at: new Date(NOW - 2000).toISOString(),
  });
  c.add({
    id: 's0000002',
    name: 'second coder',
    state: 'running',
    created_at: new Date(NOW - 1000).toISOString(),
  });
  return c;
}

describe('new-coder form: default provider, not installed last', () => {
  test('choices: installed first, not installed last and marked; the default is selected', () => {
    const { choices, selected } = providerChoices({
      providers: PROVIDERS,
      errors: [],
      default_provider: 'codex',
    });
    expect(choices.map((c) => `${c.name}:${c.installed}`)).toEqual([
      'claude:true',
      'codex:true',
      'aider:false',
      'gemini:false',
    ]);
    expect(choices[selected]!.name).toBe('codex');
    // A report without status (older daemon) counts every provider as installed.
    const plain = providerChoices({ providers: PROVIDERS.map(({ status: _s, ...p }) => p), errors: [] });
    expect(plain.choices[plain.selected]!.name).toBe('aider');
  });

  test('the form opens on default_provider (not the alphabetically first), and creates with it', async () => {
    const c = client('codex');
    const r = renderApp(c, { cwdRepo: '/work/repo' });
    await frame(r, has('s0000001'), 'list');
    press(r, 'n');
    const f = await frame(r, has('◀ codex ▶ (default)'), 'form on codex');
    expect(f).not.toContain('◀ aider ▶');
    press(r, KEY.up + KEY.up + KEY.right); // provider field: codex → aider (not installed)
    await frame(r, has('◀ aider ▶ (not installed)'), 'aider marked');
    press(r, KEY.left + KEY.down + KEY.down + 'do it\r');
    await frame(r, has('created '), 'created');
    expect([...c.coders.values()].find((x) => x.task === 'do it')?.provider).toBe('codex');
  });
});

describe('narrow terminals: priority-based truncation', () => {
  for (const [cols, rows] of [
    [60, 15],
    [80, 24],
  ] as const) {
    test(`${cols}x${rows}: key hints keep ? help and q quit; the form keeps the provider name`, async () => {
      const c = client('codex');
      const r = renderApp(c, {
        columns: cols,
        rows,
        cwdRepo: '/home/dev/projects/a-rather-long-repository-name/api',
      });
      let f = await frame(r, has('s0000001'), 'list');
      const lines = f.split('\n');
      expect(lines.length).toBeLessThanOrEqual(rows);
      for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(cols);
      const hints = lines.at(-1)!;
      expect(hints).toContain('? help');
      expect(hints).toContain('q quit');
      expect(hints).toContain('n new');
      expect(hints).not.toContain('…');
      press(r, 'n');
      f = await frame(r, has('◀ codex ▶'), 'form');
      expect(f).toContain('Esc cancels');
      expect(f).toContain('Enter on task creates');
      for (const l of f.split('\n')) expect(stringWidth(l), l).toBeLessThanOrEqual(cols);
    });
  }
});

describe('status bar: stale errors and the removal confirmation', () => {
  test('an action error goes once a later action succeeds', async () => {
    const c = client();
    const r = renderApp(c);
    await frame(r, (f) => rowOf(f, 's0000002')?.startsWith('>') === true, 'list');
    press(r, 'j'); // the completed coder
    await frame(r, (f) => rowOf(f, 's0000001')?.startsWith('>') === true, 'selected');
    press(r, 'p'); // cannot pause a completed coder
    await frame(r, has('error: pause s0000001'), 'error');
    press(r, 'k');
    await frame(
      r,
      (f) => !f.includes('error:') && rowOf(f, 's0000002')?.startsWith('>') === true,
      'error gone',
    );
    press(r, 'p');
    await frame(r, has('paused s0000002'), 'notice');
  });

  test('a list error goes when the list loads again; a removal confirms what went', async () => {
    const c = client();
    c.down = true;
    c.setStatus('reconnecting');
    const r = renderApp(c);
    await frame(r, has('error: list:'), 'list error');
    c.down = false;
    c.setStatus('connected');
    await frame(r, (f) => rowOf(f, 's0000002') !== undefined && !f.includes('error:'), 'loaded, no error');
    press(r, 'jx');
    await frame(r, has('Remove coder s0000001'), 'confirm');
    press(r, 'y');
    const f = await frame(
      r,
      (x) => rowOf(x, 's0000001') === undefined && x.includes('removed s0000001'),
      'gone',
    );
    expect(f).toContain('worktree removed');
    expect(f).not.toContain('error:');
  });
});
