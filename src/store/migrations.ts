/**
 * Numbered schema migrations. `PRAGMA user_version` holds the last applied version; each migration
 * runs in its own IMMEDIATE transaction together with the version bump, so a crash leaves the
 * database at a whole version and two processes opening the same file never apply one twice.
 * Never edit a released migration: append a new one.
 */
import type Database from 'better-sqlite3';
import { AicoderError } from '../core/errors.js';
import { moveLogsToSegments } from './log-migrate.js';

export interface Migration {
  version: number;
  up(db: Database.Database): void;
}

/** The migration that moved log entries from rows to segment files. */
export const LOG_SEGMENTS_VERSION = 4;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up(db) {
      db.exec(`
        CREATE TABLE coders (
          created_seq   INTEGER PRIMARY KEY AUTOINCREMENT,
          id            TEXT NOT NULL UNIQUE,
          name          TEXT NOT NULL,
          task          TEXT NOT NULL,
          provider      TEXT NOT NULL,
          model         TEXT,
          repo          TEXT NOT NULL,
          base_ref      TEXT NOT NULL,
          base_commit   TEXT NOT NULL,
          branch        TEXT NOT NULL,
          workspace     TEXT NOT NULL,
          state         TEXT NOT NULL,
          pid           INTEGER,
          exit_code     INTEGER,
          session_id    TEXT,
          error         TEXT,
          created_at    TEXT NOT NULL,
          started_at    TEXT,
          updated_at    TEXT NOT NULL,
          ended_at      TEXT,
          turns         INTEGER NOT NULL DEFAULT 0,
          tokens_in     INTEGER NOT NULL DEFAULT 0,
          tokens_out    INTEGER NOT NULL DEFAULT 0,
          cost_usd      REAL NOT NULL DEFAULT 0,
          files_changed INTEGER NOT NULL DEFAULT 0,
          last_message  TEXT
        );
        CREATE INDEX coders_state_seq ON coders (state, created_seq);
        CREATE INDEX coders_repo_seq ON coders (repo, created_seq);

        CREATE TABLE logs (
          id       INTEGER PRIMARY KEY AUTOINCREMENT,
          coder_id TEXT NOT NULL REFERENCES coders (id) ON DELETE CASCADE,
          seq      INTEGER NOT NULL,
          ts       TEXT NOT NULL,
          stream   TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
          kind     TEXT NOT NULL,
          text     TEXT NOT NULL,
          UNIQUE (coder_id, seq)
        );
        CREATE INDEX logs_coder_kind_seq ON logs (coder_id, kind, seq);

        CREATE TABLE runs (
          coder_id      TEXT NOT NULL REFERENCES coders (id) ON DELETE CASCADE,
          run_no        INTEGER NOT NULL,
          pid           INTEGER NOT NULL,
          pgid          INTEGER NOT NULL,
          start_time    TEXT NOT NULL,
          run_dir       TEXT NOT NULL,
          stdout_offset INTEGER NOT NULL DEFAULT 0,
          stderr_offset INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (coder_id, run_no)
        ) WITHOUT ROWID;

        CREATE TABLE events (
          id       INTEGER PRIMARY KEY AUTOINCREMENT,
          type     TEXT NOT NULL,
          coder_id TEXT NOT NULL,
          payload  TEXT NOT NULL,
          ts       TEXT NOT NULL
        );
      `);
    },
  },
  {
    // Coders talk back: an open question, reported progress, the stalled flag and per-coder limits.
    version: 2,
    up(db) {
      db.exec(`
        ALTER TABLE coders ADD COLUMN question TEXT;
        ALTER TABLE coders ADD COLUMN progress TEXT;
        ALTER TABLE coders ADD COLUMN stalled INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE coders ADD COLUMN max_turns INTEGER;
        ALTER TABLE coders ADD COLUMN timeout_s REAL;
        ALTER TABLE coders ADD COLUMN budget_usd REAL;
      `);
    },
  },
  {
    // Warnings about a coder's worktree (LFS not installed, a submodule that could not be cloned, …).
    version: 3,
    up(db) {
      db.exec(`ALTER TABLE coders ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';`);
    },
  },
  {
    // Log entries move to segment files (AICODER_HOME/logs/<id>/) with a chunk index.
    version: LOG_SEGMENTS_VERSION,
    up(db) {
      moveLogsToSegments(db);
    },
  },
  {
    // What a run leaves: kept background processes (opt-in) and the tool calls it was refused.
    version: 5,
    up(db) {
      db.exec(`
        ALTER TABLE coders ADD COLUMN keep_processes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE coders ADD COLUMN processes TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE coders ADD COLUMN permission_denials TEXT NOT NULL DEFAULT '[]';
      `);
    },
  },
  {
    // The sandbox a coder's agent runs in (docs/sandbox.md).
    version: 6,
    up(db) {
      db.exec(
        `ALTER TABLE coders ADD COLUMN sandbox TEXT NOT NULL DEFAULT '{"mode":"none","network":"on"}';`,
      );
    },
  },
  {
    // A coder waiting out a provider's usage limit (core/usage-waits.ts).
    version: 7,
    up(db) {
      db.exec(`ALTER TABLE coders ADD COLUMN usage_limit TEXT;`);
    },
  },
  {
    // Best of N: groups of coders given one task, and each coder's check results.
    version: 8,
    up(db) {
      db.exec(`
        CREATE TABLE groups (
          created_seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id          TEXT NOT NULL UNIQUE,
          name        TEXT NOT NULL,
          task        TEXT NOT NULL,
          repo        TEXT NOT NULL,
          base_ref    TEXT NOT NULL,
          base_commit TEXT NOT NULL,
          agents      TEXT NOT NULL,
          created_at  TEXT NOT NULL
        );
        ALTER TABLE coders ADD COLUMN group_id TEXT;
        ALTER TABLE coders ADD COLUMN checks TEXT;
        CREATE INDEX coders_group_seq ON coders (group_id, created_seq);
      `);
    },
  },
  {
    // Best of N: the member a group's pick merged, and what became of the others (core/pick.ts).
    version: 9,
    up(db) {
      db.exec(`ALTER TABLE groups ADD COLUMN picked TEXT;`);
    },
  },
  {
    // Roles (core/roles.ts): the role a coder was made with; a group's cross-review (core/review.ts).
    version: 10,
    up(db) {
      db.exec(`
        ALTER TABLE coders ADD COLUMN role TEXT;
        ALTER TABLE groups ADD COLUMN review TEXT;
      `);
    },
  },
  {
    // Whether cost_usd is aicoder's estimate (core/cost-estimate.ts). Before this version only the
    // shipped codex and gemini providers had estimated costs (their CLIs report none).
    version: 11,
    up(db) {
      db.exec(`
        ALTER TABLE coders ADD COLUMN cost_estimated INTEGER NOT NULL DEFAULT 0;
        UPDATE coders SET cost_estimated = 1 WHERE cost_usd > 0 AND provider IN ('codex', 'gemini');
      `);
    },
  },
];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new AicoderError(
        'internal',
        `migration #${i} has version ${m.version}; versions must be 1, 2, 3, …`,
      );
    }
  });
}

/**
 * Brings the database up to the latest version. Returns the versions applied (empty when already
 * current). A database written by a newer aicoder is refused rather than touched.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  checkOrder(migrations);
  const latest = latestVersion(migrations);
  const refuseNewer = (current: number): void => {
    if (current > latest) {
      throw new AicoderError(
        'not_supported',
        `database ${db.name} has schema version ${current}, newer than this aicoder supports ` +
          `(${latest}); upgrade aicoder or use another AICODER_HOME`,
        { details: { db_version: current, supported_version: latest } },
      );
    }
  };
  refuseNewer(userVersion(db));

  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= userVersion(db)) continue;
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = userVersion(db);
      refuseNewer(current);
      if (current >= m.version) return false;
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}
