/**
 * The compiled gateway with signing at write taken out, for the benchmark's comparison only
 * (BENCH_COMPARE_WITH=unsigned): audit events are written as before, in the same batches and round
 * trips, but without their leaf hashes, the batch signature, the `audit_pending` row or integration
 * into the Merkle tree. Its database is the comparison's own, so the unsigned events it writes never
 * meet a verification. It patches the compiled modules' exports, which their callers read at each call.
 */
import path from "node:path";
import { COMPILED_GATEWAY } from "./startup";

const compiled = (module: string) => require(path.resolve(path.dirname(COMPILED_GATEWAY), module)) as Record<string, unknown>;

const NO_LEAF = Buffer.alloc(32);
compiled("audit/audit-leaf.js").eventLeafHash = () => NO_LEAF;
const batch = compiled("audit/audit-batch.js");
// The statement stays in the batch's round trip, doing nothing with its six parameters.
batch.PENDING_INSERT = "DO ?, ?, ?, ?, ?, ?";
batch.signBatch = () => ["", "", "", "", "", ""];
compiled("audit/audit-integrator.js").startAuditIntegrator = () => ({ stop: async () => undefined });

require(path.resolve(COMPILED_GATEWAY));
