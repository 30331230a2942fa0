import type { DataSource } from "typeorm";
import { z } from "zod";
import { problems } from "../http/problem";
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

const position = z.tuple([z.iso.datetime(), z.uuid()]);

/** Opaque to callers: the creation time and id of the last dealer on the previous page. */
function encodeCursor(dealer: Dealer): string {
  return Buffer.from(JSON.stringify([dealer.createdAt, dealer.id])).toString("base64url");
}

function decodeCursor(cursor: string): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const parsed = position.safeParse(decoded);
  if (!parsed.success) throw problems.validation("Invalid query: cursor is not one this API handed out", [{ path: "cursor", message: "is not a valid cursor" }]);
  return { createdAt: parsed.data[0], id: parsed.data[1] };
}

/** Dealers in creation order, keyset-paged so a page stays stable while dealers are added. */
export async function listDealers(dataSource: DataSource, query: DealerListQuery): Promise<{ items: Dealer[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
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
  const nextCursor = rows.length > query.limit ? encodeCursor(items[items.length - 1]!) : null;
  return { items, nextCursor };
}
