/**
 * Where redaction is applied (docs/security.md): one redactor per coder, knowing every secret the
 * daemon holds for it (its environment's secret-named variables, its provider's `env` and config
 * `provider_env` values, its endpoint URL and token, the daemon's own extra secrets), and two choke
 * points that everything stored passes: the store's `appendLogs` (agent output, setup output,
 * progress entries, system notes) and record patches (last message, error, progress, question),
 * whose saved record is also what the events table and the event bus carry.
 */
import type { Coder } from './coder.js';
import type { ManagerDeps } from './manager-deps.js';
import type { CoderStore, NewLogEntry, ProviderDef } from './ports.js';
import { createRedactor, type Redactor } from './redact.js';
import type { CoderPatch } from './records.js';
import { runEnv } from './run-spec.js';
import { textDef } from './outcome.js';

/** Per-coder redactors, built on first use from the coder's record and provider. */
export class CoderRedactors {
  private readonly cache = new Map<string, Redactor>();

  constructor(private readonly deps: ManagerDeps) {}

  /** The redactor of `coder` (cached by id). */
  for(coder: Coder): Redactor {
    let r = this.cache.get(coder.id);
    if (r === undefined) {
      r = this.build(coder);
      this.cache.set(coder.id, r);
    }
    return r;
  }

  /** The redactor of the coder with this id; formats and daemon-wide secrets only if it is unknown. */
  forId(id: string): Redactor {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached;
    const coder = this.deps.store.getCoder(id);
    return coder ? this.for(coder) : createRedactor({ values: this.deps.knownSecrets ?? [] });
  }

  /** Forgets a coder (removed, or its provider changed). */
  forget(id: string): void {
    this.cache.delete(id);
  }

  private build(coder: Coder): Redactor {
    return coderRedactor(this.deps, this.deps.providers.get(coder.provider) ?? textDef(), coder);
  }
}

/** Every secret the daemon knows for `coder` run by provider `def` (see the file comment). */
export function coderRedactor(deps: ManagerDeps, def: ProviderDef, coder: Coder): Redactor {
  const ep = deps.coderEndpoint;
  return createRedactor({
    env: runEnv(deps, def, coder),
    providerEnv: { ...def.env, ...deps.config.provider_env?.[def.name] },
    values: [...(ep ? [ep.url(coder.id), ep.token(coder.id)] : []), ...(deps.knownSecrets ?? [])],
  });
}

/** The store with every log entry's text redacted by its coder's redactor before it is written. */
export function redactingStore(store: CoderStore, redactorFor: (id: string) => Redactor): CoderStore {
  const appendLogs: CoderStore['appendLogs'] = (coderId, entries, ...rest) => {
    const r = redactorFor(coderId);
    const clean = entries.map((e: NewLogEntry) => ({ ...e, text: r(e.text) }));
    const [run, delta] = rest;
    const cleanDelta =
      typeof delta?.last_message === 'string' ? { ...delta, last_message: r(delta.last_message) } : delta;
    return store.appendLogs(coderId, clean, run, cleanDelta);
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'appendLogs') return appendLogs;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** `patch` with its free-text fields (last message, error, progress, question) redacted. */
export function redactPatch(patch: CoderPatch, r: Redactor): CoderPatch {
  const out: CoderPatch = { ...patch };
  if (typeof out.error === 'string') out.error = r(out.error);
  if (typeof out.question === 'string') out.question = r(out.question);
  if (out.progress) out.progress = { ...out.progress, message: r(out.progress.message) };
  if (out.stats && typeof out.stats.last_message === 'string') {
    out.stats = { ...out.stats, last_message: r(out.stats.last_message) };
  }
  return out;
}
