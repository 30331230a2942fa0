import type { TestGateway } from "./gateway";

/** Row counts, to prove that a refused request wrote nothing. */
export async function countRows(gw: TestGateway, table: string): Promise<number> {
  const rows: { n: number | string }[] = await gw.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

export async function rowCounts(gw: TestGateway, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = await countRows(gw, table);
  return counts;
}
