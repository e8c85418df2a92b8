/**
 * The attach key (A) over the in-memory client: an ended coder is handed to onAttach at once; a live
 * one asks first (n cancels, y attaches); a refusal and a TUI without a terminal to hand over are
 * errors in the status line. The real handover in a terminal is test/tui/attach-pty.test.ts.
 */
import { afterEach, expect, test } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/app.js';
import { AicoderError } from '../../src/core/errors.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { NOW, frame, has, press, renderApp } from './render.js';

afterEach(() => cleanup());

function seeded(): MemoryClient {
  const c = new MemoryClient({ now: () => NOW });
  c.add({
    id: 'c0000001',
    name: 'ended',
    state: 'completed',
    created_at: new Date(NOW - 2000).toISOString(),
  });
  c.add({ id: 'c0000002', name: 'live', state: 'running', created_at: new Date(NOW - 1000).toISOString() });
  return c;
}

test('A on a live coder asks first: n cancels, y hands it to the attach; on an ended one it attaches at once', async () => {
  const calls: string[] = [];
  const r = render(
    <App
      client={seeded()}
      color={false}
      now={NOW}
      onAttach={(id) => {
        calls.push(id);
        return Promise.resolve();
      }}
    />,
  );
  await frame(r, has('> c0000002'), 'the live coder selected');
  press(r, 'A');
  const f = await frame(r, has('Attach to a live coder'), 'the question');
  expect(f).toContain('Coder c0000002 is running: attaching stops its run first');
  expect(f).toContain('y stop and attach · n/Esc cancel');
  press(r, 'n');
  await frame(r, (x) => !x.includes('Attach to a live coder'), 'the question gone');
  expect(calls).toEqual([]);
  press(r, 'A');
  await frame(r, has('Attach to a live coder'), 'the question again');
  press(r, 'y');
  await frame(r, has('attaching to c0000002…'), 'attaching');
  expect(calls).toEqual(['c0000002']);

  press(r, 'j');
  await frame(r, has('> c0000001'), 'the ended coder selected');
  press(r, 'A');
  await frame(r, () => calls.length === 2, 'the second attach');
  expect(calls).toEqual(['c0000002', 'c0000001']);
});

test("a refused attach is the status line's error; without a terminal to hand over, A says so", async () => {
  const r = render(
    <App
      client={seeded()}
      color={false}
      now={NOW}
      onAttach={() =>
        Promise.reject(
          new AicoderError('not_supported', "provider 'aider' has no interactive UI to attach to", {
            field: 'id',
          }),
        )
      }
    />,
  );
  await frame(r, has('> c0000002'), 'list');
  press(r, 'j');
  await frame(r, has('> c0000001'), 'the ended coder selected');
  press(r, 'A');
  await frame(r, has("error: attach c0000001: provider 'aider' has no interactive UI"), 'the refusal');

  const bare = renderApp(seeded());
  await frame(bare, has('> c0000002'), 'list');
  press(bare, 'j');
  await frame(bare, has('> c0000001'), 'ended coder');
  press(bare, 'A');
  await frame(bare, has('attach c0000001: this TUI has no terminal to hand over'), 'no terminal');
});

test('a restored TUI selects the attached coder and shows the outcome', async () => {
  const r = render(
    <App
      client={seeded()}
      color={false}
      now={NOW}
      initialSelected="c0000001"
      initialStatus={{ kind: 'notice', text: 'coder c0000001 is completed again (files changed: 1)' }}
    />,
  );
  const f = await frame(r, has('> c0000001'), 'the coder selected');
  expect(f).toContain('coder c0000001 is completed again (files changed: 1)');
});
