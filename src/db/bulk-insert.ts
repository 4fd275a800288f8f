import { getTableColumns, getTableName, type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { type DbOrTx, selectRows } from './client.ts';

/**
 * A multi-row INSERT whose rows travel as one JSON parameter (INSERT … SELECT FROM
 * json_populate_recordset). The query builder binds one parameter per column per row and spends more
 * CPU building that statement than the database spends running it; this costs one JSON.stringify.
 * Rows are given and returned in the table's TypeScript shape (returned rows are mapped by the table's
 * own column definitions, as the query builder would). Every row must have the same keys.
 */
export async function bulkInsert<T extends PgTable>(
  db: DbOrTx,
  table: T,
  rows: T['$inferInsert'][],
  options: { onConflictDoNothing?: boolean /** false: nothing comes back (answers []), for large write-only batches. */; returning?: boolean } = {},
): Promise<T['$inferSelect'][]> {
  if (rows.length === 0) return [];
  const insert = bulkInsertSql(table, rows, options);
  if (options.returning === false) {
    await db.execute(insert);
    return [];
  }
  return mapRows(table, await selectRows<Record<string, unknown>>(db, sql`${insert} returning *`));
}

/**
 * bulkInsert's statement (without RETURNING), e.g. for a data-modifying WITH clause; `rows` must not be
 * empty. `where` filters the given rows, which it sees as `r` (database column names).
 */
export function bulkInsertSql<T extends PgTable>(table: T, rows: T['$inferInsert'][], options: { onConflictDoNothing?: boolean; where?: SQL } = {}): SQL {
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const keys = Object.keys(rows[0] as object).filter((key) => key in columns);
  const names = sql.raw(keys.map((key) => `"${columns[key]?.name}"`).join(', '));
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(keys.map((key) => [columns[key]?.name, (row as Record<string, unknown>)[key] ?? null]))));
  const type = sql.raw(`"${getTableName(table)}"`);
  const conflict = options.onConflictDoNothing ? sql` on conflict do nothing` : sql``;
  const where = options.where ? sql` where ${options.where}` : sql``;
  return sql`insert into ${table} (${names}) select ${names} from json_populate_recordset(null::${type}, ${json}::json) as r${where}${conflict}`;
}

/** Raw rows (database column names, driver values) in the table's TypeScript shape, as the query builder maps them. */
export function mapRows<T extends PgTable>(table: T, raw: Record<string, unknown>[]): T['$inferSelect'][] {
  const columns = getTableColumns(table) as Record<string, { name: string; mapFromDriverValue: (value: unknown) => unknown }>;
  return raw.map((r) =>
    Object.fromEntries(
      Object.entries(columns).map(([key, column]) => {
        const value = r[column.name];
        return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)];
      }),
    ),
  ) as T['$inferSelect'][];
}
