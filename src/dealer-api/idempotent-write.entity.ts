import { EntitySchema } from "typeorm";
import { column, EXACT_COLLATION } from "../db/columns";

/** The stored result of a dealer write, replayed for a retry with the same Idempotency-Key (contract 4.1). */
export interface IdempotentWrite {
  dealerId: string;
  idempotencyKey: string;
  customerId: string;
  /** SHA-256 of the request (route, customer, purpose, body): another body under the same key is refused. */
  requestHash: string;
  status: number;
  /** The response body as sent, JSON. */
  response: string;
  createdAt: string;
}

export const IdempotentWriteEntity = new EntitySchema<IdempotentWrite>({
  name: "IdempotentWrite",
  tableName: "idempotent_writes",
  columns: {
    dealerId: { ...column.ref("dealer_id"), primary: true },
    idempotencyKey: { ...column.str("idempotency_key", 128), primary: true, collation: EXACT_COLLATION },
    customerId: column.ref("customer_id"),
    requestHash: column.str("request_hash", 64),
    status: { name: "status", type: "integer" },
    response: column.text("response"),
    createdAt: column.at("created_at"),
  },
  indices: [
    { name: "ix_idempotent_writes_created", columns: ["createdAt"] },
    { name: "ix_idempotent_writes_customer", columns: ["customerId"] },
  ],
});
