/**
 * All terminal output of the CLI goes through here (the only file allowed to write to the console).
 * Colour only when stdout is a TTY and NO_COLOR is unset; the spinner only on a TTY.
 *
 * Terminal safety: agent text is made safe where it is formatted (format.ts, with term/safe-text.ts,
 * the function the TUI uses too), and every line, table cell, error and progress text passes through
 * safeText again here as a net: nothing but our own colour codes reaches the terminal. Only `raw`
 * (commander's help, `diff`, `logs --raw`) writes bytes as they are. Table columns are measured in
 * terminal cells (term/width.ts), so CJK and emoji names keep them aligned.
 */
import { styleText } from 'node:util';
import { safeText } from '../term/safe-text.js';
import { padEnd, textWidth } from '../term/width.js';

/** The styles the CLI uses: names of `node:util` styleText formats (Node's util.inspect.colors). */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

export type Cell = string | { text: string; style?: Style | undefined };

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

export interface Output {
  readonly color: boolean;
  /** stdout and stderr are terminals: progress lines are welcome. */
  readonly interactive: boolean;
  paint(style: Style | undefined, text: string): string;
  /** A line on stdout. */
  line(text?: string): void;
  /** Text on stdout as-is (no newline added). */
  raw(text: string): void;
  /** Text on stderr as-is. */
  rawErr(text: string): void;
  /** A value as indented JSON on stdout. */
  json(value: unknown): void;
  /** A value as one compact JSON line on stdout (NDJSON). */
  jsonLine(value: unknown): void;
  /** The one error line: "aicoder: <message>" on stderr. */
  error(message: string): void;
  /** An informational line on stderr, only on a terminal. */
  note(text: string): void;
  /** An aligned table with a header row. */
  table(header: string[], rows: Cell[][]): void;
  /** A spinner line on stderr (a no-op unless interactive and enabled). */
  spinner(enabled: boolean): Spinner;
}

type Env = Readonly<Record<string, string | undefined>>;

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createOutput(env: Env = process.env): Output {
  const stdoutTty = process.stdout.isTTY === true;
  const color = stdoutTty && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  const interactive = stdoutTty && process.stderr.isTTY === true;
  const paint = (style: Style | undefined, text: string): string => {
    if (!color || style === undefined || text === '') return text;
    // Whether to colour is decided above (stdout a TTY, NO_COLOR): styleText must not decide again
    // from its own stream (on Node 20 it checks process.stdout; our spinner writes to stderr).
    return styleText(style, text, { validateStream: false });
  };
  // Table cells are one display line each: sanitised before they are measured.
  const cellText = (c: Cell) => safeText(typeof c === 'string' ? c : c.text);
  // The net: lines keep their line breaks and tabs, and our own SGR codes when colour is on.
  const safeLine = (text: string) => safeText(text, { multiline: true, keepStyles: color });
  const cellStyle = (c: Cell) => (typeof c === 'string' ? undefined : c.style);

  return {
    color,
    interactive,
    paint,
    line(text = '') {
      process.stdout.write(safeLine(text) + '\n');
    },
    raw(text) {
      process.stdout.write(text);
    },
    rawErr(text) {
      process.stderr.write(text);
    },
    json(value) {
      process.stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
    jsonLine(value) {
      process.stdout.write(JSON.stringify(value) + '\n');
    },
    error(message) {
      process.stderr.write(`aicoder: ${safeText(message.trim().replace(/\s*\n\s*/g, ' '))}\n`);
    },
    note(text) {
      if (process.stderr.isTTY === true) process.stderr.write(paint('dim', safeText(text)) + '\n');
    },
    table(header, rows) {
      const widths = header.map((h, i) =>
        Math.max(textWidth(h), ...rows.map((r) => textWidth(cellText(r[i] ?? '')))),
      );
      const render = (cells: Cell[], headerRow: boolean) =>
        cells
          .map((c, i) => {
            const t = cellText(c);
            const padded = i === cells.length - 1 ? t : padEnd(t, widths[i] ?? 0);
            return headerRow ? paint('bold', padded) : paint(cellStyle(c), padded);
          })
          .join('  ')
          .trimEnd();
      process.stdout.write(render(header, true) + '\n');
      for (const r of rows) process.stdout.write(render(r, false) + '\n');
    },
    spinner(enabled) {
      if (!enabled || !interactive) return { update: () => undefined, stop: () => undefined };
      let text = '';
      let frame = 0;
      const draw = () => {
        process.stderr.write(`\r\x1b[2K${paint('cyan', FRAMES[frame % FRAMES.length]!)} ${text}`);
        frame += 1;
      };
      const timer = setInterval(draw, 80);
      timer.unref();
      return {
        update(t) {
          text = safeText(t);
          draw();
        },
        stop() {
          clearInterval(timer);
          process.stderr.write('\r\x1b[2K');
        },
      };
    },
  };
}

let pipeGuard = false;

/**
 * A closed stdout or stderr (`aicoder status ID | head -4`, `aicoder logs -f ID | head`) ends the
 * process silently with exit code 0, as `cat` or `git log` do, instead of an EPIPE stack trace. Node
 * ignores SIGPIPE, so the failed write surfaces as an 'error' event (code EPIPE) on the stream; any
 * other stream error is rethrown. Installed once, by the CLI's main().
 */
export function exitQuietlyOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  const onError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    throw e;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
