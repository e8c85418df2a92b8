/**
 * Configuration changes take effect: a provider file added to AICODER_HOME/providers/ and
 * a changed config.json are picked up by the running daemon; a bad file keeps the last good
 * configuration and its error shows in `aicoder providers` and `aicoder daemon status`.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProviderReport } from '../../src/core/api.js';
import type { Coder } from '../../src/core/coder.js';
import type { DaemonStatusJson } from '../../src/cli/commands/daemon.js';
import { cli, cliJson, makeHome, runCli, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo, waitFor } from '../helpers/env.js';
import { scaled } from '../helpers/load.js';

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterAll(() => cleanupTemp());

const LATE = {
  name: 'late',
  description: 'added while the daemon runs',
  command: ['printf', 'late %s\\n', '{task}'],
  parser: 'text',
};

function writeProviderFile(home: string, file: string, def: unknown): void {
  writeFileSync(join(home, 'providers', file), typeof def === 'string' ? def : JSON.stringify(def));
}

async function report(t: TestHome): Promise<ProviderReport> {
  const r = await runCli(t, ['providers', '--json']);
  // --json prints the providers; skipped files go to stderr. The REST answer has both.
  const res = await fetch(`${t.baseUrl}/api/providers`, { headers: t.auth });
  expect(r.code).toBe(0);
  return (await res.json()) as ProviderReport;
}

async function ended(t: TestHome, id: string): Promise<Coder> {
  await runCli(t, ['wait', id]);
  return cliJson<Coder>(t, ['status', id]);
}

describe('configuration reload: provider files', () => {
  it(
    'a provider file added while the daemon runs is usable without a restart; a bad edit keeps the last good one',
    async () => {
      h = await makeHome();
      await startDaemon(h);
      const repo = makeRepo();
      const before = await runCli(h, ['create', '--provider', 'late', 'x'], { cwd: repo });
      expect(before.code).not.toBe(0);
      expect(before.stderr).toMatch(/unknown provider 'late'/);

      writeProviderFile(h.home, 'late.json', LATE);
      await waitFor(async () => (await report(h!)).providers.some((p) => p.name === 'late'), {
        what: 'late provider listed',
      });
      const c = await cliJson<Coder>(h, ['create', '--provider', 'late', 'one'], { cwd: repo });
      expect((await ended(h, c.id)).stats.last_message).toBe('late one');

      // A typo: the file is reported, the last good definition stays in use.
      writeProviderFile(h.home, 'late.json', { ...LATE, comand: ['x'] });
      await waitFor(async () => (await report(h!)).errors.some((e) => e.source.endsWith('late.json')), {
        what: 'error reported',
      });
      const { errors, providers } = await report(h);
      expect(errors.find((e) => e.source.endsWith('late.json'))?.message).toMatch(
        /unknown key "comand".*the last good definition of "late" stays in use/,
      );
      expect(providers.some((p) => p.name === 'late')).toBe(true);
      expect(await cli(h, ['providers'])).toMatch(/late\.json: unknown key "comand"/);
      const status = await cliJson<DaemonStatusJson>(h, ['daemon', 'status']);
      expect(status.config_errors?.some((e) => e.source.endsWith('late.json'))).toBe(true);
      const c2 = await cliJson<Coder>(h, ['create', '--provider', 'late', 'two'], { cwd: repo });
      expect((await ended(h, c2.id)).stats.last_message).toBe('late two');

      // Fixed: the error goes; removed: the provider goes.
      writeProviderFile(h.home, 'late.json', { ...LATE, command: ['printf', 'fixed %s\\n', '{task}'] });
      await waitFor(async () => (await report(h!)).errors.length === 0, { what: 'error cleared' });
      const c3 = await cliJson<Coder>(h, ['create', '--provider', 'late', 'three'], { cwd: repo });
      expect((await ended(h, c3.id)).stats.last_message).toBe('fixed three');
      rmSync(join(h.home, 'providers', 'late.json'));
      await waitFor(async () => !(await report(h!)).providers.some((p) => p.name === 'late'), {
        what: 'late provider gone',
      });
    },
    scaled(90_000),
  );
});

describe('configuration reload: config.json', () => {
  it(
    'a changed config.json applies; a bad one keeps the last good values and is reported; the daemon stays up',
    async () => {
      h = await makeHome();
      await startDaemon(h);
      const repo = makeRepo();
      const cfg = join(h.home, 'config.json');

      writeFileSync(cfg, '{ "default_provider": "echo", ');
      await waitFor(async () => (await cliJson<DaemonStatusJson>(h!, ['daemon', 'status'])).config_errors, {
        what: 'config error reported',
      });
      const status = await cliJson<DaemonStatusJson>(h, ['daemon', 'status']);
      expect(status.config_errors?.[0]?.message).toMatch(
        /config\.json: not valid JSON .*\(the last good configuration stays in use\)/,
      );
      expect(await cli(h, ['daemon', 'status'])).toMatch(/config\s+.*config\.json: not valid JSON/);
      expect((await report(h)).errors.some((e) => e.source === cfg)).toBe(true);
      // Still the old default provider (lines): "2" prints two lines.
      const old = await cliJson<Coder>(h, ['create', '2'], { cwd: repo });
      expect((await ended(h, old.id)).provider).toBe('lines');

      writeFileSync(cfg, JSON.stringify({ default_provider: 'echo', stop_grace_s: 1 }));
      await waitFor(async () => !(await cliJson<DaemonStatusJson>(h!, ['daemon', 'status'])).config_errors, {
        what: 'config error cleared',
      });
      const now = await cliJson<Coder>(h, ['create', 'hello'], { cwd: repo });
      const done = await ended(h, now.id);
      expect(done.provider).toBe('echo');
      expect(done.stats.last_message).toBe('hello');

      // An unknown key is an error naming it; the daemon keeps running on the last good values.
      writeFileSync(cfg, JSON.stringify({ default_provider: 'lines', max_concurent: 2 }));
      await waitFor(async () => (await cliJson<DaemonStatusJson>(h!, ['daemon', 'status'])).config_errors, {
        what: 'unknown key reported',
      });
      expect((await cliJson<DaemonStatusJson>(h, ['daemon', 'status'])).config_errors?.[0]?.message).toMatch(
        /unknown key "max_concurent"/,
      );
      expect((await cliJson<Coder>(h, ['create', 'still echo'], { cwd: repo })).provider).toBe('echo');
    },
    scaled(90_000),
  );
});
