import { compiledModule } from "./compiled-gateway";

/**
 * Signing at write, switched off and on again in the compiled gateway's modules, whose callers read
 * these exports at each call. Off, audit events are written as before, in the same batches and round
 * trips, but without their leaf hashes, the batch signature or the `audit_batches` row (the statement
 * stays in the batch's round trip, doing nothing with its six parameters), and without a batch id on
 * each event row.
 */
const leaf = compiledModule("audit/audit-leaf.js");
const batch = compiledModule("audit/audit-batch.js");
const signing = { eventLeafHash: leaf.eventLeafHash, BATCH_INSERT: batch.BATCH_INSERT, signBatch: batch.signBatch };
const NO_LEAF = Buffer.alloc(32);

export function setSigningAtWrite(on: boolean): void {
  leaf.eventLeafHash = on ? signing.eventLeafHash : () => NO_LEAF;
  batch.BATCH_INSERT = on ? signing.BATCH_INSERT : "DO ?, ?, ?, ?, ?, ?";
  batch.signBatch = on ? signing.signBatch : () => ["", "", "", "", "", ""];
}
