/**
 * The Manager's reads that need more than one call to the store: a page of a coder's logs, the rest
 * of one cut log entry, the providers report, and the `list` state filter. Pure functions of the
 * deps and the record they are given.
 */
import type { ListInput, LogsInput, LogsResult, LogTextInput, ProviderInfo, ProviderReport } from './api.js';
import { ACTIVE_STATES, CODER_STATES, isTerminal, type Coder, type CoderState } from './coder.js';
import { AicoderError } from './errors.js';
import type { ManagerDeps } from './manager-deps.js';
import { LOG_ANSWER_MAX_BYTES, type ListCodersPage, type LogText } from './ports.js';

/** Log entries per page when no tail is asked for. */
const LOG_PAGE = 1000;

/**
 * A page of coders, newest first (ManagerApi.list): `states` may name groups of states
 * (expandStates); `limit` is a whole number from 1 to 1000 (invalid_input naming `limit`).
 */
export function listCoders(deps: ManagerDeps, input: ListInput): ListCodersPage {
  const states = expandStates(input.states);
  if (
    input.limit !== undefined &&
    (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 1000)
  ) {
    throw new AicoderError('invalid_input', 'limit must be a whole number from 1 to 1000', {
      field: 'limit',
    });
  }
  return deps.store.listCoders({
    ...(states ? { states } : {}),
    ...(input.repo !== undefined ? { repo: input.repo } : {}),
    ...(input.limit !== undefined ? { limit: input.limit } : {}),
    ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
  });
}

/**
 * One page of `coder`'s logs (ManagerApi.logs). `live`: its run is still being watched, so more
 * entries may come even when its state is terminal.
 */
export function readLogs(deps: ManagerDeps, coder: Coder, live: boolean, input: LogsInput): LogsResult {
  // Order matters: the state first (once terminal, no more entries come), then the last seq, then
  // the entries (a snapshot at least as new as `last`), so next_seq never skips an entry.
  const ended = isTerminal(coder.state) && !live;
  const { store } = deps;
  const since = input.since_seq ?? 0;
  const last = store.lastSeq(coder.id);
  const kinds = input.kinds && input.kinds.length ? { kinds: input.kinds } : {};
  const budget = input.max_bytes !== undefined ? { max_bytes: input.max_bytes } : {};
  const { entries, more } =
    input.tail !== undefined
      ? store.readLogPage(coder.id, { since_seq: since, tail: input.tail, ...kinds, ...budget })
      : store.readLogPage(coder.id, { since_seq: since, limit: LOG_PAGE, ...kinds, ...budget });
  // A forward page stopped by its limit or its byte budget continues after its last entry.
  const fullPage = input.tail === undefined && more;
  const lastRead = entries.at(-1)?.seq ?? since;
  const next = fullPage ? lastRead : Math.max(since, last, lastRead);
  return { entries, next_seq: next, done: ended && next >= last };
}

/** A byte slice of log entry `seq` (ManagerApi.logText); errors: invalid_input (max_bytes), not_found. */
export function readLogText(deps: ManagerDeps, coder: Coder, seq: number, input: LogTextInput): LogText {
  const max = input.max_bytes ?? LOG_ANSWER_MAX_BYTES;
  if (!Number.isSafeInteger(max) || max < 1 || max > LOG_ANSWER_MAX_BYTES) {
    throw new AicoderError(
      'invalid_input',
      `max_bytes must be an integer from 1 to ${LOG_ANSWER_MAX_BYTES}`,
      {
        field: 'max_bytes',
      },
    );
  }
  const t = deps.store.readLogText(coder.id, seq, input.offset ?? 0, max);
  if (!t) throw new AicoderError('not_found', `coder ${coder.id} has no log entry ${seq}`, { field: 'seq' });
  return t;
}

/** The registered providers, as `providers` shows them. */
export function providerInfos(deps: ManagerDeps): ProviderInfo[] {
  return deps.providers.list().map((p) => ({
    name: p.name,
    description: p.description,
    parser: p.parser,
    command: [...p.command],
    source: p.source,
  }));
}

/** The providers with their install/credentials status (when a probe is wired) and config errors. */
export async function providerReport(deps: ManagerDeps): Promise<ProviderReport> {
  const { probe, providers } = deps;
  const defs = providers.list();
  const infos = providerInfos(deps);
  if (probe) {
    const statuses = await Promise.all(defs.map((d) => probe.check(d, deps.config.provider_env?.[d.name])));
    statuses.forEach((status, i) => (infos[i]!.status = status));
  }
  return {
    providers: infos,
    errors: deps.configErrors?.() ?? providers.errors?.() ?? [],
    default_provider: deps.config.default_provider,
  };
}

/** The states a `list` filter names (`active`, `all`, or states); undefined: all. */
export function expandStates(filters: ListInput['states']): CoderState[] | undefined {
  if (!filters || filters.length === 0 || filters.includes('all')) return undefined;
  const out = new Set<CoderState>();
  for (const f of filters) {
    if (f === 'active') ACTIVE_STATES.forEach((s) => out.add(s));
    else if ((CODER_STATES as readonly string[]).includes(f)) out.add(f as CoderState);
    else {
      throw new AicoderError(
        'invalid_input',
        `state must be one of ${CODER_STATES.join(', ')}, active or all (got '${String(f)}')`,
        { field: 'state' },
      );
    }
  }
  return [...out];
}
