/**
 * The import graph of src/ keeps its arrows pointing inward (docs/architecture.md): every static,
 * re-export and dynamic import of every source file is read with TypeScript's own pre-processor and
 * resolved to its folder.
 * - daemon/ never imports client/ (the daemon and its clients share local/ instead);
 * - protocol/ imports nothing but zod and its own files;
 * - local/ imports only node's built-ins, core/, protocol/ and its own files;
 * - the folders form no cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

interface Import {
  /** The importing file, relative to src/. */
  from: string;
  spec: string;
  /** The imported file's folder under src/ (first path part), or null for a package or built-in. */
  folder: string | null;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function folderOf(relPath: string): string {
  const parts = relPath.split('/');
  return parts.length > 1 ? parts[0]! : '.';
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const from = relative(SRC, file);
  return info.importedFiles.map(({ fileName: spec }) => {
    if (!spec.startsWith('.')) return { from, spec, folder: null };
    return { from, spec, folder: folderOf(relative(SRC, resolve(dirname(file), spec))) };
  });
}

const ALL = sources(SRC).flatMap(importsOf);

function from(folder: string): Import[] {
  return ALL.filter((i) => folderOf(i.from) === folder);
}

describe('import graph of src/', () => {
  it('reads the imports it checks (static, type-only, re-exports and dynamic)', () => {
    expect(ALL.length).toBeGreaterThan(500);
    const control = ALL.filter((i) => i.from === 'daemon/control.ts').map((i) => i.spec);
    expect(control).toContain('./lock.js'); // a dynamic import
    expect(from('protocol').length).toBeGreaterThan(5);
  });

  it('has no import from daemon/ to client/', () => {
    expect(from('daemon').filter((i) => i.folder === 'client')).toEqual([]);
  });

  it('lets protocol/ import nothing but zod and its own files', () => {
    expect(from('protocol').filter((i) => i.spec !== 'zod' && i.folder !== 'protocol')).toEqual([]);
  });

  it('lets local/ import only built-ins, core/, protocol/ and its own files', () => {
    const allowed = new Set(['local', 'core', 'protocol']);
    expect(
      from('local').filter((i) => (i.folder === null ? !i.spec.startsWith('node:') : !allowed.has(i.folder))),
    ).toEqual([]);
  });

  it('has no cycle between folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const i of ALL) {
      const a = folderOf(i.from);
      if (i.folder === null || i.folder === a) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(i.folder);
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      const at = path.indexOf(node);
      if (at >= 0) {
        cycles.push([...path.slice(at), node].join(' → '));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const start of edges.keys()) visit(start, []);
    expect([...new Set(cycles)]).toEqual([]);
  });
});
