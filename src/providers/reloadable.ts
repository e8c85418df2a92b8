/**
 * A provider catalog that can be loaded again while the daemon runs (daemon/config-watch.ts calls
 * reload() when a file in AICODER_HOME/providers/ changes). A file that has become invalid keeps the
 * last good definition it gave in use, and its error is reported (`aicoder providers`); a deleted file
 * removes its provider. Runs already started keep the definition they started with.
 */
import type { ArgvVars, OutputParser, ParserContext, ProviderDef } from '../core/ports.js';
import {
  displayPath,
  loadProviderCatalog,
  type LoadedProviderCatalog,
  type LoadProviderCatalogOptions,
  type ProviderLoadError,
} from './registry.js';

export interface ProviderReload {
  /** Provider names that appeared, disappeared or whose definition changed. */
  added: string[];
  removed: string[];
  changed: string[];
  errors: ProviderLoadError[];
}

export interface ReloadableProviderCatalog extends LoadedProviderCatalog {
  /** Reads the builtin and user directories again (synchronously; a few small files). */
  reload(): ProviderReload;
}

function same(a: ProviderDef, b: ProviderDef): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function createReloadableCatalog(opts: LoadProviderCatalogOptions): ReloadableProviderCatalog {
  let current: LoadedProviderCatalog = loadProviderCatalog(opts);
  /** Last good definitions of files that are now invalid, by provider name. */
  let kept = new Map<string, ProviderDef>();

  const all = (): ProviderDef[] => {
    const byName = new Map(current.list().map((d) => [d.name, d]));
    for (const [name, def] of kept) if (!byName.has(name)) byName.set(name, def);
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  };

  return {
    get(name: string): ProviderDef | undefined {
      return current.get(name) ?? kept.get(name);
    },
    list: all,
    parser(def: ProviderDef, ctx?: ParserContext): OutputParser {
      return current.parser(def, ctx);
    },
    buildArgv(template: readonly string[], vars: ArgvVars): string[] {
      return current.buildArgv(template, vars);
    },
    errors(): ProviderLoadError[] {
      return current.errors().map((e) => {
        const stays = [...kept.values()].find((d) => d.source === e.source);
        return stays === undefined
          ? e
          : { ...e, message: `${e.message} (the last good definition of "${stays.name}" stays in use)` };
      });
    },
    reload(): ProviderReload {
      const before = new Map(all().map((d) => [d.name, d]));
      const next = loadProviderCatalog(opts);
      const broken = new Set(next.errors().map((e) => e.source));
      const nextKept = new Map<string, ProviderDef>();
      for (const def of before.values()) {
        if (broken.has(def.source) && next.get(def.name) === undefined) nextKept.set(def.name, def);
      }
      current = next;
      kept = nextKept;
      const after = new Map(all().map((d) => [d.name, d]));
      const res: ProviderReload = { added: [], removed: [], changed: [], errors: this.errors() };
      for (const [name, def] of after) {
        const old = before.get(name);
        if (old === undefined) res.added.push(name);
        else if (!same(old, def)) res.changed.push(name);
      }
      for (const name of before.keys()) if (!after.has(name)) res.removed.push(name);
      opts.log?.('info', 'providers reloaded', {
        ...res,
        errors: res.errors.map((e) => displayPath(e.source)),
      });
      return res;
    },
  };
}
