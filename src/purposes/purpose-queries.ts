import type { DataSource } from "typeorm";
import { PurposeEntity, type Purpose } from "./purpose.entity";

/** Purposes change only through migrations, so each process reads them once. */
const cache = new WeakMap<DataSource, Promise<Purpose[]>>();

export function listPurposes(dataSource: DataSource): Promise<Purpose[]> {
  let purposes = cache.get(dataSource);
  if (!purposes) {
    purposes = dataSource.getRepository(PurposeEntity).find({ order: { id: "ASC" } });
    purposes.catch(() => cache.delete(dataSource));
    cache.set(dataSource, purposes);
  }
  return purposes;
}

export async function findPurpose(dataSource: DataSource, id: string): Promise<Purpose | undefined> {
  return (await listPurposes(dataSource)).find((purpose) => purpose.id === id);
}
