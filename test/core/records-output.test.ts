/**
 * Output-driven record updates are coalesced (core/records.ts outputChanged): a coder streaming
 * output gets one `coder.updated` per OUTPUT_UPDATE_MS carrying the last stored change, not one
 * read + write + event per ingested batch. Real SQLite store, real event bus, fake timers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus, type AicoderEvent } from '../../src/core/events.js';
import type { CoderStore } from '../../src/core/ports.js';
import { OUTPUT_UPDATE_MS, Records } from '../../src/core/records.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { freshStore, makeCoder } from '../store/fixtures.js';

const open: CoderStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function setup() {
  const { store } = freshStore();
  open.push(store);
  const bus = new EventBus();
  const events: AicoderEvent[] = [];
  bus.subscribe((e) => events.push(e), { logs: false });
  const timers = new FakeClock();
  const records = new Records(store, bus, new FakeClock(), undefined, timers);
  const coder = records.insert(makeCoder({ state: 'running' }));
  events.length = 0;
  /** What ingestBlock does per batch: store the block with its last message, then announce. */
  const batch = (n: number) => {
    store.appendLogBlock(
      coder.id,
      { ts: records.now(), stream: 'stdout', kind: 'text', text: Buffer.from(`line ${n}\n`) },
      undefined,
      { last_message: `line ${n}` },
    );
    records.outputChanged(coder.id);
  };
  const updates = () => events.filter((e) => e.type === 'coder.updated');
  const storedEvents = () => store.eventsAfter(0, 1000).filter((e) => e.type === 'coder.updated');
  return { store, records, coder, timers, events, batch, updates, storedEvents };
}

describe('coalesced output updates', () => {
  it('announces 50 batches of one period as one coder.updated with the last message', () => {
    const t = setup();
    for (let i = 1; i <= 50; i++) t.batch(i);
    expect(t.updates()).toHaveLength(0);
    t.timers.advance(OUTPUT_UPDATE_MS - 1);
    expect(t.updates()).toHaveLength(0);
    t.timers.advance(1);
    expect(t.updates()).toHaveLength(1);
    const ev = t.updates()[0] as Extract<AicoderEvent, { type: 'coder.updated' }>;
    expect(ev.coder.stats.last_message).toBe('line 50');
    expect(t.storedEvents()).toHaveLength(1);
    // The next period starts with the next batch, not before.
    t.timers.advance(OUTPUT_UPDATE_MS * 4);
    expect(t.updates()).toHaveLength(1);
    t.batch(51);
    t.timers.advance(OUTPUT_UPDATE_MS);
    expect(t.updates()).toHaveLength(2);
    expect(t.timers.timers).toBe(0);
  });

  it('a transition meanwhile announces the change at once, and nothing follows it', () => {
    const t = setup();
    t.batch(1);
    const done = t.records.transition(t.coder.id, 'completed');
    expect(done?.stats.last_message).toBe('line 1');
    expect(t.timers.timers).toBe(0);
    t.timers.advance(OUTPUT_UPDATE_MS * 2);
    expect(t.events.map((e) => e.type)).toEqual(['coder.state']);
  });

  it('flushOutput announces pending changes now; removal drops them', () => {
    const t = setup();
    t.batch(1);
    t.records.flushOutput();
    expect(t.updates()).toHaveLength(1);
    expect(t.timers.timers).toBe(0);
    t.batch(2);
    t.records.removed(t.coder.id);
    t.timers.advance(OUTPUT_UPDATE_MS * 2);
    expect(t.events.map((e) => e.type)).toEqual(['coder.updated', 'coder.removed']);
  });
});
