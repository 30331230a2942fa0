import type { DataSource } from "typeorm";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { instant } from "../http/dates";
import { DealerEntity, type Dealer, type DealerStatus } from "./dealer.entity";

export interface DealerListQuery {
  status?: DealerStatus;
  country?: string;
  cursor?: string;
  limit: number;
}

interface Position {
  createdAt: string;
  id: string;
}

/** The creation time and id of the last dealer on the previous page. */
const position = z.tuple([instant, z.uuid()]);
const positionOf = ([createdAt, id]: [string, string]): Position => ({ createdAt, id });

/** Dealers in creation order, keyset-paged so a page stays stable while dealers are added. */
export async function listDealers(dataSource: DataSource, query: DealerListQuery): Promise<{ items: Dealer[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : positionOf(decodeCursor(query.cursor, position, "dealers"));
  const builder = dataSource.getRepository(DealerEntity).createQueryBuilder("dealer")
    .orderBy("dealer.createdAt", "ASC")
    .addOrderBy("dealer.id", "ASC")
    .limit(query.limit + 1);
  if (query.status) builder.andWhere("dealer.status = :status", { status: query.status });
  if (query.country) builder.andWhere("dealer.country = :country", { country: query.country });
  if (after) {
    builder.andWhere("(dealer.createdAt > :afterAt OR (dealer.createdAt = :afterAt AND dealer.id > :afterId))", { afterAt: after.createdAt, afterId: after.id });
  }
  const rows = await builder.getMany();
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > query.limit && last ? encodeCursor([last.createdAt, last.id], "dealers") : null;
  return { items, nextCursor };
}
