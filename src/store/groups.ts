/** The groups table (best of N): GroupStore on one SQLite connection. Members are coders.group_id. */
import type { Coder } from '../core/coder.js';
import { AicoderError } from '../core/errors.js';
import type { Group, GroupAgent, GroupStore } from '../core/group.js';
import { CODER_SELECT, intParam, rowToCoder, type CoderRow, type SqlValue } from './rows.js';
import type { StatementCache } from './statements.js';

const MAX_CHAR = '\u{10FFFF}';
const GROUP_COLUMNS = 'id, name, task, repo, base_ref, base_commit, agents, created_at, picked, review';

interface GroupRow {
  id: string;
  name: string;
  task: string;
  repo: string;
  base_ref: string;
  base_commit: string;
  /** JSON array of GroupAgent. */
  agents: string;
  created_at: string;
  /** JSON of Group['picked'], or null. */
  picked: string | null;
  /** JSON of Group['review'], or null. */
  review: string | null;
}

function rowToGroup(r: GroupRow): Group {
  return {
    id: r.id,
    name: r.name,
    task: r.task,
    repo: r.repo,
    base_ref: r.base_ref,
    base_commit: r.base_commit,
    agents: JSON.parse(r.agents) as GroupAgent[],
    created_at: r.created_at,
    picked: r.picked === null ? null : (JSON.parse(r.picked) as Group['picked']),
    review: r.review === null ? null : (JSON.parse(r.review) as Group['review']),
  };
}

export class GroupTable implements GroupStore {
  constructor(private readonly stmts: StatementCache) {}

  insertGroup(g: Group): void {
    try {
      this.stmts
        .get(`INSERT INTO groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(
          g.id,
          g.name,
          g.task,
          g.repo,
          g.base_ref,
          g.base_commit,
          JSON.stringify(g.agents),
          g.created_at,
          g.picked === null ? null : JSON.stringify(g.picked),
          g.review === null ? null : JSON.stringify(g.review),
        );
    } catch (e) {
      if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AicoderError('conflict', `a group with id ${g.id} already exists`, {
          field: 'id',
          cause: e,
        });
      }
      throw e;
    }
  }

  getGroup(id: string): Group | undefined {
    const row = this.stmts.get(`SELECT ${GROUP_COLUMNS} FROM groups WHERE id = ?`).get(id) as
      GroupRow | undefined;
    return row === undefined ? undefined : rowToGroup(row);
  }

  findGroupsByPrefix(prefix: string, limit?: number): Group[] {
    const n = intParam('limit', limit, 1, 2);
    const rows = this.stmts
      .get(`SELECT ${GROUP_COLUMNS} FROM groups WHERE id >= ? AND id < ? ORDER BY id LIMIT ?`)
      .all(prefix, prefix + MAX_CHAR, n) as GroupRow[];
    return rows.map(rowToGroup);
  }

  listGroups(q: { repo?: string; limit?: number }): Group[] {
    const limit = intParam('limit', q.limit, 1, 100);
    const params: SqlValue[] = [];
    let sql = `SELECT ${GROUP_COLUMNS} FROM groups`;
    if (q.repo !== undefined) {
      sql += ' WHERE repo = ?';
      params.push(q.repo);
    }
    sql += ' ORDER BY created_seq DESC LIMIT ?';
    params.push(limit);
    return (this.stmts.get(sql).all(params) as GroupRow[]).map(rowToGroup);
  }

  groupMembers(id: string): Coder[] {
    const rows = this.stmts
      .get(`${CODER_SELECT} WHERE group_id = ? ORDER BY created_seq`)
      .all(id) as CoderRow[];
    return rows.map(rowToCoder);
  }

  deleteGroup(id: string): void {
    this.stmts.get('DELETE FROM groups WHERE id = ?').run(id);
  }

  setGroupPick(id: string, pick: NonNullable<Group['picked']>): void {
    this.stmts.get('UPDATE groups SET picked = ? WHERE id = ?').run(JSON.stringify(pick), id);
  }

  setGroupReview(id: string, review: NonNullable<Group['review']>): void {
    this.stmts.get('UPDATE groups SET review = ? WHERE id = ?').run(JSON.stringify(review), id);
  }
}
