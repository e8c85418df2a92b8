import { randomBytes } from 'node:crypto';
import type { Coder } from './coder.js';
import { AicoderError } from './errors.js';

/** A short random id: 8 lowercase hex characters. */
export function newCoderId(): string {
  return randomBytes(4).toString('hex');
}

/** A branch/name-safe slug of free text: lowercase words joined by '-', at most `max` characters. */
export function slugify(text: string, max = 40): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, max).replace(/-+$/g, '');
  return cut || 'task';
}

/**
 * The branch a coder gets unless one is given: `aicoder/<id>-<slug of its name>` (slugify: lowercase,
 * runs of characters other than a-z and 0-9 as one '-', at most 40 characters, `task` when empty).
 * The compact MCP record (mcp/compact.ts) leaves `branch` out when it is this one.
 */
export function defaultBranch(id: string, name: string): string {
  return `aicoder/${id}-${slugify(name)}`;
}

/** A readable default name: the first words of the task, up to 40 characters. */
export function defaultName(task: string): string {
  const oneLine = task.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= 40) return oneLine;
  const cut = oneLine.slice(0, 40);
  const space = cut.lastIndexOf(' ');
  return `${space > 20 ? cut.slice(0, space) : cut}…`;
}

const ID_SHAPE = /^[0-9a-z]{1,32}$/;

/** Resolves an id or unique prefix against the candidates a store returned for it. */
export function resolvePrefix(prefix: string, lookup: (p: string) => Coder[]): Coder {
  if (!ID_SHAPE.test(prefix)) {
    throw new AicoderError(
      'not_found',
      `no coder '${prefix.slice(0, 40)}': coder ids are lowercase letters and digits`,
      { field: 'coder_id' },
    );
  }
  const found = lookup(prefix);
  const exact = found.find((c) => c.id === prefix);
  if (exact) return exact;
  if (found.length === 0) {
    throw new AicoderError('not_found', `no coder '${prefix}'`, { field: 'coder_id' });
  }
  if (found.length > 1) {
    throw new AicoderError(
      'ambiguous_id',
      `coder id prefix '${prefix}' is ambiguous: ${found.map((c) => c.id).join(', ')}…; give more characters`,
      { field: 'coder_id' },
    );
  }
  return found[0]!;
}
