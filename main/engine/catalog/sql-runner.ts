import type BetterSqlite3 from 'better-sqlite3';

/** A connection plus a cache of its prepared statements (preparing is the costly part of a query). */
export class SqlRunner {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();
  constructor(readonly db: BetterSqlite3.Database) {}

  statement(sql: string): BetterSqlite3.Statement {
    let prepared = this.cache.get(sql);
    if (prepared === undefined) {
      prepared = this.db.prepare(sql);
      this.cache.set(sql, prepared);
    }
    return prepared;
  }

  /** Runs `work` in one IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlock). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }
}
