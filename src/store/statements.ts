/** A per-connection cache of prepared statements keyed by SQL text. */
import type Database from 'better-sqlite3';

export class StatementCache {
  private readonly cache = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string): Database.Statement<unknown[], unknown> {
    let s = this.cache.get(sql);
    if (s === undefined) {
      s = this.db.prepare<unknown[], unknown>(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** `?, ?, ?` for n placeholders. */
  static placeholders(n: number): string {
    return Array.from({ length: n }, () => '?').join(', ');
  }
}
