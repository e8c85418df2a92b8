/**
 * The provider registry: definitions shipped in templates/providers/*.json, then the user's in
 * AICODER_HOME/providers/*.json (same format, overriding by name). The format is a user contract,
 * documented in docs/providers.md; one file's schema and validation are provider-def.ts. A bad file is
 * skipped and recorded; it never hides the others.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProviderInfo } from '../core/api.js';
import { AicoderError, isAicoderError } from '../core/errors.js';
import type {
  Logger,
  OutputParser,
  ParserContext,
  ProviderCatalog,
  ProviderDef,
  ArgvVars,
} from '../core/ports.js';
import { buildArgv } from './argv.js';
import { PARSERS, type ParserFactory } from './parsers.js';
import { displayPath, errorText, readProviderFile } from './provider-def.js';

export { PROVIDER_NAME_RE, displayPath, parseProviderDef, readProviderFile } from './provider-def.js';

/** A file that could not be loaded: where, and why (the message names the file and the key). */
export interface ProviderLoadError {
  source: string;
  message: string;
}

export interface LoadedProviderCatalog extends ProviderCatalog {
  /** Files skipped while loading, in load order (builtin first, then user, each sorted by file name). */
  errors(): ProviderLoadError[];
}

export interface LoadProviderCatalogOptions {
  /** Shipped definitions (see builtinProvidersDir()). */
  builtinDir: string;
  /** The user's definitions (homeLayout(home).userProviders); a missing directory is fine. */
  userDir: string;
  log?: Logger;
  /** Parser factories by name (default: PARSERS). */
  parsers?: Readonly<Record<string, ParserFactory>>;
}

/** templates/providers of the installed package (src/providers and dist/providers are both two levels down). */
export function builtinProvidersDir(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('../../templates/providers', moduleUrl));
}

function cloneDef(def: ProviderDef): ProviderDef {
  const copy: ProviderDef = { ...def, command: [...def.command], env: { ...def.env } };
  if (def.resume_command !== undefined) copy.resume_command = [...def.resume_command];
  if (def.attach_command !== undefined) copy.attach_command = [...def.attach_command];
  return copy;
}

export function toProviderInfo(def: ProviderDef): ProviderInfo {
  return {
    name: def.name,
    description: def.description,
    parser: def.parser,
    command: [...def.command],
    source: def.source,
  };
}

/** *.json files of a directory, sorted by name; null when the directory does not exist. */
function jsonFiles(dir: string): string[] | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
}

export function loadProviderCatalog(opts: LoadProviderCatalogOptions): LoadedProviderCatalog {
  const parsers = opts.parsers ?? PARSERS;
  const log: Logger = opts.log ?? (() => undefined);
  const defs = new Map<string, ProviderDef>();
  const errors: ProviderLoadError[] = [];

  const record = (source: string, message: string): void => {
    errors.push({ source, message });
    log('warn', `provider definition skipped: ${message}`, { source });
  };

  const loadDir = (dir: string, origin: 'builtin' | 'user'): void => {
    let files: string[] | null;
    try {
      files = jsonFiles(dir);
    } catch (e) {
      record(dir, `${displayPath(dir)}: cannot list directory: ${errorText(e)}`);
      return;
    }
    if (files === null) {
      if (origin === 'builtin') record(dir, `${displayPath(dir)}: builtin providers directory not found`);
      return;
    }
    const seen = new Map<string, string>();
    for (const file of files) {
      let def: ProviderDef;
      try {
        def = readProviderFile(file, parsers);
      } catch (e) {
        if (!isAicoderError(e)) throw e;
        record(file, e.message);
        continue;
      }
      const earlier = seen.get(def.name);
      if (earlier !== undefined) {
        record(
          file,
          `${displayPath(file)}: "name" "${def.name}" is already defined by ${displayPath(earlier)} in the same directory`,
        );
        continue;
      }
      seen.set(def.name, file);
      const overridden = defs.get(def.name);
      if (overridden !== undefined) {
        log('info', `provider "${def.name}" from ${file} overrides ${overridden.source}`, { source: file });
      }
      defs.set(def.name, def);
    }
  };

  loadDir(opts.builtinDir, 'builtin');
  loadDir(opts.userDir, 'user');

  return {
    get(name: string): ProviderDef | undefined {
      const def = defs.get(name);
      return def === undefined ? undefined : cloneDef(def);
    },
    list(): ProviderDef[] {
      return [...defs.values()].sort((a, b) => a.name.localeCompare(b.name)).map(cloneDef);
    },
    parser(def: ProviderDef, ctx?: ParserContext): OutputParser {
      const factory = Object.hasOwn(parsers, def.parser) ? parsers[def.parser] : undefined;
      if (factory === undefined) {
        throw new AicoderError(
          'provider_config',
          `${displayPath(def.source)}: "parser" must name a known parser: ${Object.keys(parsers).sort().join(', ')} (got "${def.parser}")`,
          { field: 'parser', details: { source: def.source } },
        );
      }
      return factory(ctx);
    },
    buildArgv(template: readonly string[], vars: ArgvVars): string[] {
      return buildArgv(template, vars);
    },
    errors(): ProviderLoadError[] {
      return errors.map((e) => ({ ...e }));
    },
  };
}
