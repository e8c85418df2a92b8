/** Pure layout arithmetic: pane sizes for a terminal size, and the coder list's columns for a width. */

export interface Layout {
  width: number;
  /** Rows the whole UI uses: one less than the terminal, so Ink never falls back to clearing the screen. */
  height: number;
  /** Rows between the top and the status bar (overlays use all of them). */
  mainRows: number;
  /** Data rows of the coder list (plus a title and a header line). */
  listRows: number;
  /** Rows of the region below the list (detail + logs, or a dialog). */
  bottomRows: number;
  sideBySide: boolean;
  detailRows: number;
  detailWidth: number;
  logRows: number;
  logWidth: number;
}

export const STATUS_ROWS = 2;
/** Terminals at least this wide show detail and logs side by side. */
export const WIDE = 110;

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(Math.max(n, lo), Math.max(lo, hi));
}

export function computeLayout(columns: number, rows: number): Layout {
  const width = Math.max(20, columns);
  const height = Math.max(8, rows - 1);
  const mainRows = height - STATUS_ROWS;
  const sideBySide = width >= WIDE;
  if (sideBySide) {
    const listBlock = clamp(Math.round(mainRows * 0.45), 3, mainRows - 4);
    const bottomRows = mainRows - listBlock;
    const detailWidth = Math.min(60, Math.floor(width * 0.38));
    return {
      width,
      height,
      mainRows,
      listRows: listBlock - 2,
      bottomRows,
      sideBySide,
      detailRows: bottomRows - 1,
      detailWidth,
      logRows: bottomRows - 1,
      logWidth: width - detailWidth - 1,
    };
  }
  const listBlock = clamp(Math.round(mainRows * 0.36), 3, mainRows - 5);
  const bottomRows = mainRows - listBlock;
  // Very short terminals drop the detail pane before the log pane.
  const detailBlock = bottomRows >= 9 ? clamp(Math.round(mainRows * 0.28), 3, 9) : 0;
  return {
    width,
    height,
    mainRows,
    listRows: listBlock - 2,
    bottomRows,
    sideBySide,
    detailRows: Math.max(0, detailBlock - 1),
    detailWidth: width,
    logRows: bottomRows - detailBlock - 1,
    logWidth: width,
  };
}

export type ColumnKey = 'id' | 'name' | 'provider' | 'state' | 'branch' | 'age' | 'turns' | 'cost' | 'files';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  right?: boolean;
}

interface ColumnSpec {
  key: ColumnKey;
  title: string;
  /** Fixed width, or 0 for a flexible column. */
  width: number;
  /** Share of the flexible space. */
  flex?: number;
  /** Lower drops first on narrow terminals. */
  keep: number;
  right?: boolean;
}

const SPECS: readonly ColumnSpec[] = [
  { key: 'id', title: 'ID', width: 8, keep: 9 },
  { key: 'name', title: 'NAME', width: 0, flex: 58, keep: 8 },
  { key: 'provider', title: 'PROVIDER', width: 8, keep: 5 },
  { key: 'state', title: 'STATE', width: 13, keep: 9 },
  { key: 'branch', title: 'BRANCH', width: 0, flex: 42, keep: 3 },
  { key: 'age', title: 'AGE', width: 4, keep: 6, right: true },
  { key: 'turns', title: 'TURN', width: 4, keep: 2, right: true },
  { key: 'cost', title: 'COST', width: 7, keep: 4, right: true },
  { key: 'files', title: 'FILES', width: 5, keep: 1, right: true },
];

/** Width of the selection marker before the first column. */
export const MARKER = 2;
const MIN_FLEX = 6;

/**
 * The list's columns for a width: each column's width excludes the one-space gap after it.
 * `providerWidth` widens the provider column (8 cells at least) for "claude (reviewer)".
 */
export function listColumns(width: number, providerWidth = 8): Column[] {
  let specs = SPECS.map((s) =>
    s.key === 'provider' ? { ...s, width: Math.max(s.width, providerWidth) } : s,
  );
  const need = (ss: ColumnSpec[]): number => MARKER + ss.reduce((n, s) => n + (s.width || MIN_FLEX) + 1, 0);
  while (need(specs) > width && specs.length > 2) {
    const drop = specs.reduce((lo, s) => (s.keep < lo.keep ? s : lo));
    specs = specs.filter((s) => s !== drop);
  }
  const fixed = MARKER + specs.reduce((n, s) => n + s.width + 1, 0);
  const flexible = specs.filter((s) => s.width === 0);
  const totalFlex = flexible.reduce((n, s) => n + (s.flex ?? 1), 0);
  let room = Math.max(0, width - fixed);
  const out: Column[] = [];
  let flexLeft = flexible.length;
  for (const s of specs) {
    let w = s.width;
    if (w === 0) {
      flexLeft--;
      w = flexLeft === 0 ? room : Math.floor(((width - fixed) * (s.flex ?? 1)) / totalFlex);
      w = Math.max(1, Math.min(w, room));
      room -= w;
    }
    out.push({ key: s.key, title: s.title, width: w, ...(s.right ? { right: true } : {}) });
  }
  return out;
}
