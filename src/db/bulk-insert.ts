import { getTableColumns, getTableName, sql } from 'drizzle-orm';
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
  const columns = getTableColumns(table) as Record<string, { name: string; mapFromDriverValue: (value: unknown) => unknown }>;
  const keys = Object.keys(rows[0] as object).filter((key) => key in columns);
  const names = sql.raw(keys.map((key) => `"${columns[key]?.name}"`).join(', '));
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(keys.map((key) => [columns[key]?.name, (row as Record<string, unknown>)[key] ?? null]))));
  const type = sql.raw(`"${getTableName(table)}"`);
  const conflict = options.onConflictDoNothing ? sql` on conflict do nothing` : sql``;
  const insert = sql`insert into ${table} (${names}) select ${names} from json_populate_recordset(null::${type}, ${json}::json)${conflict}`;
  if (options.returning === false) {
    await db.execute(insert);
    return [];
  }
  const raw = await selectRows<Record<string, unknown>>(db, sql`${insert} returning *`);
  return raw.map((r) =>
    Object.fromEntries(
      Object.entries(columns).map(([key, column]) => {
        const value = r[column.name];
        return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)];
      }),
    ),
  ) as T['$inferSelect'][];
}
