/**
 * Every input limit of aicoder, defined once. The REST bodies and queries, the MCP tool arguments,
 * core's checks, config.json and the CLI's options all take their limits from here (through the
 * schemas in fields.ts); test/protocol/limits-agree.test.ts proves that every surface enforces them.
 *
 * Lengths are JavaScript string lengths (UTF-16 code units); times are seconds unless a name ends
 * in _MS; sizes are bytes.
 */

/** The task and every follow-up text (message, answer, commit message). */
export const MAX_TASK_CHARS = 20_000;
/** Follow-up messages, answers and commit messages share the task's limit. */
export const MAX_MESSAGE_CHARS = MAX_TASK_CHARS;
/** A filesystem path (Linux PATH_MAX is 4096 bytes). */
export const MAX_PATH_CHARS = 4096;
/**
 * A provider name: the name of a provider file (`providers/<name>.json`), lower-case letters,
 * digits, `_` and `-`, at most 40 characters (providers/provider-def.ts enforces the same pattern).
 */
export const MAX_PROVIDER_CHARS = 40;
/** A model name as the provider's CLI takes it. */
export const MAX_MODEL_CHARS = 200;
/** A coder's display name. */
export const MAX_NAME_CHARS = 100;
/**
 * A ref or branch name. Git keeps a loose ref as a file, so one name component cannot be longer than
 * a file name (NAME_MAX, 255 bytes); a ref longer than that cannot be a single-component branch.
 */
export const MAX_REF_CHARS = 255;
/** Files named in create's `workspace_files`. */
export const MAX_WORKSPACE_FILES = 50;
/** A coder id or prefix (ids are 8 hex characters today; longer input is never an id). */
export const MAX_CODER_ID_CHARS = 64;
/** `max_turns`: an integer of at least 1, no upper bound (a bound nobody reaches is no bound). */
/** `timeout_s`: more than 0, at most 7 days. */
export const MAX_TIMEOUT_S = 604_800;
/** `budget_usd`: a number of US dollars greater than 0, no upper bound. */

/** Long polls (wait, logs follow) never hold a request longer than this. */
export const MAX_LONG_POLL_MS = 50_000;
/** `GET /api/groups?limit=`: at most this many groups per answer. */
export const MAX_GROUP_LIST_LIMIT = 100;
/** A long poll's default length. */
export const DEFAULT_LONG_POLL_MS = 30_000;
/** The longest long poll a REST caller may ask for (it is then cut to MAX_LONG_POLL_MS). */
export const MAX_ASKED_POLL_MS = 3_600_000;
/** The same bounds in seconds, for MCP's `timeout_s` of waits. */
export const MAX_WAIT_S = MAX_LONG_POLL_MS / 1000;
export const DEFAULT_WAIT_S = DEFAULT_LONG_POLL_MS / 1000;

/** REST `GET /api/coders?limit=` (the CLI's `list --limit`). */
export const MAX_LIST_LIMIT = 1000;
/** MCP `ai_coder_list` pages are smaller: every record costs the model tokens. */
export const MAX_TOOL_LIST_LIMIT = 100;
export const DEFAULT_TOOL_LIST_LIMIT = 20;
/** REST logs `tail`. */
export const MAX_TAIL = 100_000;
/** MCP `ai_coder_logs` `tail` (tokens again). */
export const MAX_TOOL_TAIL = 1000;
export const DEFAULT_TOOL_TAIL = 100;
/** `kinds` filters of MCP logs name at most this many kinds. */
export const MAX_KINDS = 50;
/**
 * Text budget of one logs answer in UTF-8 bytes (default and maximum; a page stops once its texts
 * reach it, and each entry's text is cut at 16 KiB).
 */
export const LOG_ANSWER_MAX_BYTES = 256 * 1024;
/** Paged workspace lists (changes, files): entries per page and the opaque cursor's length. */
export const MAX_PAGE_LIMIT = 5000;
export const MAX_CURSOR_CHARS = 8192;
/** A list cursor of `GET /api/coders`. */
export const MAX_LIST_CURSOR_CHARS = 500;
/** REST file reads: at most this many bytes per answer (default FILE_READ_DEFAULT_BYTES). */
export const MAX_FILE_READ_BYTES = 10 * 1024 * 1024;
export const FILE_READ_DEFAULT_BYTES = 256 * 1024;
/** MCP read and diff slices: at most this many bytes (default TOOL_READ_DEFAULT_BYTES). */
export const MAX_TOOL_READ_BYTES = 1_048_576;
export const TOOL_READ_DEFAULT_BYTES = 65_536;
/** REST diff pages (`GET /api/coders/:id/diff?offset=&max_bytes=`): default and maximum bytes. */
export const DIFF_PAGE_BYTES = 256 * 1024;
export const MAX_DIFF_PAGE_BYTES = 1024 * 1024;
/** An SSE resumption cursor "E:L" given as `last_event_id`. */
export const MAX_EVENT_ID_CHARS = 100;
/** `GET /api/disk?ids=a,b,…`. */
export const MAX_IDS_PARAM_CHARS = 100_000;
