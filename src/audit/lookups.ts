import { In, Like, type DataSource } from "typeorm";
import { AdminUserEntity } from "../admin-users/admin-user.entity";
import { CustomerEntity, type Customer } from "../customers/customer.entity";
import type { CustomerData } from "../customers/customer-fields";
import { DealerEntity } from "../dealers/dealer.entity";

/** Enough to pick one from a list; a look-up never returns more. */
export const LOOKUP_LIMIT = 20;
/** Rows read to match a name inside the stored record before giving up: the look-up stays cheap on a large table. */
const NAME_SCAN_LIMIT = 500;

export interface DealerChoice { id: string; name: string; country: string; status: string }
export interface CustomerChoice { id: string; externalRef: string; name: string }
export interface AdminUserChoice { id: string; username: string }

/** LIKE escapes differ between SQLite and MySQL: wildcards typed by the user match any one character, and the exact test is made here. */
const likeSafe = (text: string) => text.replace(/[\\%_]/g, "_");
const fold = (text: string) => text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();

/** What a look-up is asked: text typed into a picker, or the ids of choices already made (to show their names). */
export type LookupRequest = { q: string } | { ids: string[] };

export async function lookUpDealers(dataSource: DataSource, request: LookupRequest): Promise<DealerChoice[]> {
  if ("ids" in request) {
    const rows = await dataSource.getRepository(DealerEntity).find({ where: { id: In(request.ids) }, select: { id: true, name: true, country: true, status: true } });
    return rows.map(({ id, name, country, status }) => ({ id, name, country, status }));
  }
  const text = request.q;
  const rows = await dataSource.getRepository(DealerEntity).find({ order: { name: "ASC", id: "ASC" }, select: { id: true, name: true, country: true, status: true } });
  const wanted = fold(text);
  return rows.filter((row) => fold(row.name).includes(wanted) || row.id === text.toLowerCase()).slice(0, LOOKUP_LIMIT)
    .map(({ id, name, country, status }) => ({ id, name, country, status }));
}

export async function lookUpAdminUsers(dataSource: DataSource, request: LookupRequest): Promise<AdminUserChoice[]> {
  if ("ids" in request) {
    const rows = await dataSource.getRepository(AdminUserEntity).find({ where: { id: In(request.ids) }, select: { id: true, username: true } });
    return rows.map(({ id, username }) => ({ id, username }));
  }
  const text = request.q;
  const rows = await dataSource.getRepository(AdminUserEntity).find({ order: { username: "ASC" }, select: { id: true, username: true } });
  const wanted = fold(text);
  return rows.filter((row) => fold(row.username).includes(wanted)).slice(0, LOOKUP_LIMIT).map(({ id, username }) => ({ id, username }));
}

function displayName(profile: CustomerData | null): string {
  return profile ? `${profile.name.given} ${profile.name.family}` : "";
}

/**
 * Customers by external reference (exact or starting with the text), by e-mail (exact) or by name (any
 * part of given or family name, accents ignored). Only the id, the reference and the name come back:
 * enough to pick a customer, nothing else of the record. Erased customers have none of these and never match.
 */
export async function lookUpCustomers(dataSource: DataSource, request: LookupRequest): Promise<CustomerChoice[]> {
  const repo = dataSource.getRepository(CustomerEntity);
  const select = { id: true, externalRef: true, profile: true, status: true } as const;
  if ("ids" in request) return choicesOf(await repo.find({ where: { id: In(request.ids) }, select }));
  const text = request.q;
  const byRef = (await repo.find({ where: { externalRef: Like(`${likeSafe(text)}%`) }, select, order: { externalRef: "ASC" }, take: LOOKUP_LIMIT * 2 }))
    .filter((row) => row.externalRef?.startsWith(text));
  const byEmail = text.includes("@") ? await repo.find({ where: { emailNormalized: text.toLowerCase() }, select, take: LOOKUP_LIMIT }) : [];
  const wanted = fold(text);
  const nameCandidates = text.includes("@") ? [] : await repo.createQueryBuilder("customer")
    .select(["customer.id", "customer.externalRef", "customer.profile", "customer.status"])
    .where("LOWER(customer.profile) LIKE :pattern", { pattern: `%${likeSafe(text.toLowerCase())}%` }).take(NAME_SCAN_LIMIT).getMany();
  const byName = nameCandidates.filter((row) => row.profile && fold(displayName(row.profile)).includes(wanted));
  return choicesOf([...byRef, ...byEmail, ...byName]).slice(0, LOOKUP_LIMIT);
}

/** Each customer once, erased ones (no reference, no name) left out. */
function choicesOf(rows: Pick<Customer, "id" | "externalRef" | "profile" | "status">[]): CustomerChoice[] {
  const seen = new Set<string>();
  const found: CustomerChoice[] = [];
  for (const row of rows) {
    if (seen.has(row.id) || row.status === "erased" || !row.externalRef) continue;
    seen.add(row.id);
    found.push({ id: row.id, externalRef: row.externalRef, name: displayName(row.profile) });
  }
  return found;
}
