/**
 * REST diff has a size budget like every workspace answer: byte slices of 256 KiB by default (1 MiB at
 * most) with diff_bytes, truncated and next_offset; slices never split a character, add up to the
 * whole diff, and the CLI prints the whole diff by fetching them all. Bad offsets/sizes are named.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/client/http-client.js';
import { DIFF_PAGE_BYTES } from '../../src/workspace/slice.js';
import { cli, makeHome, startDaemon, type TestHome } from '../helpers/daemon.js';
import { cleanupTemp, makeRepo } from '../helpers/env.js';

let h: TestHome | undefined;
// The home and daemon a test makes are ended when it finishes (test/helpers/daemon.ts).
afterAll(cleanupTemp);

interface DiffPage {
  diff: string;
  diff_bytes: number;
  truncated: boolean;
  next_offset: number | null;
}

describe('diff size budget', () => {
  it('REST diff: a 720 KB diff comes in 256 KiB slices that add up to what the CLI prints', async () => {
    h = await makeHome();
    await startDaemon(h);
    const client = createHttpClient({ baseUrl: h.baseUrl, token: h.token });
    const repo = makeRepo({ 'README.md': '# r\n' });
    const c = await client.create({ task: 'x', repo, autostart: false });
    // Lines of 3-byte characters, so a fixed byte cut would land inside one.
    writeFileSync(join(c.workspace, 'big.txt'), `${'修复登录'.repeat(25)}\n`.repeat(2400)); // ≈ 720 KB (the CLI helper buffers 1 MB)
    const get = async (query: string): Promise<{ status: number; body: unknown }> => {
      const r = await fetch(`${h!.baseUrl}/api/coders/${c.id}/diff${query}`, { headers: h!.auth });
      return { status: r.status, body: await r.json() };
    };

    const first = (await get('')).body as DiffPage;
    expect(first.truncated).toBe(true);
    expect(Buffer.byteLength(first.diff)).toBeLessThanOrEqual(DIFF_PAGE_BYTES);
    expect(Buffer.byteLength(first.diff)).toBeGreaterThan(DIFF_PAGE_BYTES - 4);
    expect(first.diff_bytes).toBeGreaterThan(700_000);
    expect(first.diff).not.toContain('\uFFFD');

    const parts = [first.diff];
    let next = first.next_offset;
    while (next !== null) {
      const page = (await get(`?offset=${next}&max_bytes=300000`)).body as DiffPage;
      expect(Buffer.byteLength(page.diff)).toBeLessThanOrEqual(300_000);
      expect(page.diff).not.toContain('\uFFFD');
      expect(page.diff_bytes).toBe(first.diff_bytes);
      parts.push(page.diff);
      next = page.next_offset;
    }
    const whole = parts.join('');
    expect(Buffer.byteLength(whole)).toBe(first.diff_bytes);
    expect(whole).toMatch(/^diff --git a\/big\.txt b\/big\.txt/);
    expect(await cli(h, ['diff', c.id])).toBe(whole);

    const bad = await get('?max_bytes=2000000');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/max_bytes/);
    const past = (await get(`?offset=${first.diff_bytes + 10}`)).body as DiffPage;
    expect(past).toEqual({ diff: '', diff_bytes: first.diff_bytes, truncated: false, next_offset: null });
    await client.control(c.id, { action: 'remove', force: true });
  });
});
