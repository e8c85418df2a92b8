/**
 * Loads role files: the shipped ones in templates/roles/*.json, then the user's in
 * AICODER_HOME/roles/*.json (same format; a user file wins over a shipped one of the same name).
 * A file that does not parse is skipped and reported (errors()), naming the file and the key.
 *
 * Format (docs/roles.md):
 *   { "name": "reviewer", "description": "…", "system_prompt": "…", "tools": "all" | "read_only",
 *     "model": null | "name" | {"<provider>": "name"}, "report": ["progress", "ask_user", "heartbeat"] }
 * name: 1–64 of a-z 0-9 _ -; system_prompt ≤ 20,000 characters; report defaults to all three;
 * tools defaults to "all"; unknown keys are refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ROLE_REPORTS, ROLE_TOOLS, type Role, type RoleCatalog } from './roles.js';
import type { Logger } from './ports.js';

export const ROLE_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const MAX_ROLE_PROMPT_CHARS = 20_000;

const roleFile = z
  .object({
    name: z.string().regex(ROLE_NAME_RE, 'must be 1–64 characters of a-z, 0-9, "_" and "-"'),
    description: z.string().max(500, 'must be at most 500 characters').default(''),
    system_prompt: z
      .string()
      .max(MAX_ROLE_PROMPT_CHARS, `must be at most ${MAX_ROLE_PROMPT_CHARS} characters`)
      .default(''),
    tools: z.enum(ROLE_TOOLS).default('all'),
    model: z
      .union([z.string().min(1).max(200), z.record(z.string().min(1).max(200))], {
        errorMap: () => ({ message: 'must be null, a model name, or an object of provider → model' }),
      })
      .nullable()
      .default(null),
    report: z.array(z.enum(ROLE_REPORTS)).default([...ROLE_REPORTS]),
  })
  .strict();

/** templates/roles of the installed package (src/core and dist/core are both two levels down). */
export function builtinRolesDir(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('../../templates/roles', moduleUrl));
}

/** Parses one role file's JSON; throws an Error naming the file and the first key at fault. */
export function parseRole(raw: unknown, source: string): Role {
  const r = roleFile.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key =
      issue.code === 'unrecognized_keys'
        ? `unknown key "${issue.keys.join('", "')}"`
        : `"${issue.path.join('.')}" ${issue.message}`;
    throw new Error(`${source}: ${key}`);
  }
  return { ...r.data, source };
}

function jsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .sort()
      .map((n) => join(dir, n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Reads the role files of both folders now (call again to reload). */
export function loadRoleCatalog(opts: { builtinDir: string; userDir: string; log?: Logger }): RoleCatalog {
  const roles = new Map<string, Role>();
  const errors: { source: string; message: string }[] = [];
  for (const dir of [opts.builtinDir, opts.userDir]) {
    let files: string[];
    try {
      files = jsonFiles(dir);
    } catch (e) {
      errors.push({ source: dir, message: `${dir}: cannot list: ${String(e)}` });
      continue;
    }
    for (const file of files) {
      try {
        const role = parseRole(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
        roles.set(role.name, role);
      } catch (e) {
        const message =
          e instanceof SyntaxError ? `${file}: invalid JSON: ${e.message}` : String((e as Error).message);
        errors.push({ source: file, message });
        opts.log?.('warn', `role file skipped: ${message}`, { source: file });
      }
    }
  }
  const copy = (r: Role): Role => ({ ...r, report: [...r.report] });
  return {
    get: (name) => {
      const r = roles.get(name);
      return r === undefined ? undefined : copy(r);
    },
    list: () => [...roles.values()].sort((a, b) => a.name.localeCompare(b.name)).map(copy),
    errors: () => errors.map((e) => ({ ...e })),
    dirs: { shipped: opts.builtinDir, user: opts.userDir },
  };
}

/**
 * A catalog that reads the folders again at each call, so a role file added or edited while the
 * daemon runs counts at the next create (a handful of small files; creates are rare).
 */
export function liveRoleCatalog(opts: { builtinDir: string; userDir: string; log?: Logger }): RoleCatalog {
  return {
    get: (name) => loadRoleCatalog(opts).get(name),
    list: () => loadRoleCatalog(opts).list(),
    errors: () => loadRoleCatalog({ builtinDir: opts.builtinDir, userDir: opts.userDir }).errors(),
    dirs: { shipped: opts.builtinDir, user: opts.userDir },
  };
}
