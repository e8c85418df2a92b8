#!/usr/bin/env node
/**
 * The floor of the TUI figures in bench/peers.mjs: the smallest Ink app that does what a TUI's first
 * frame and keypress need. It renders one line, and re-renders it with a counter on every Down or Up key.
 * Same Ink options as `aicoder tui` (src/tui/index.tsx INK_OPTIONS); exits on q.
 */
/* global process */
import { createElement, useState } from 'react';
import { render, Text, useApp, useInput } from 'ink';

function Floor() {
  const [n, setN] = useState(0);
  const { exit } = useApp();
  useInput((input, key) => {
    if (key.downArrow || key.upArrow) setN((x) => x + 1);
    if (input === 'q') exit();
  });
  return createElement(Text, null, `floor ready, presses: ${n}`);
}

delete process.env.CI;
render(createElement(Floor), {
  exitOnCtrlC: true,
  patchConsole: false,
  incrementalRendering: false,
  maxFps: 60,
});
