/**
 * The compiled gateway with signing at write taken out (bench/signing-switch.ts) and no integration
 * into the Merkle tree, for the benchmark's comparison only (BENCH_COMPARE_WITH=unsigned). Its
 * database is the comparison's own, so the unsigned events it writes never meet a verification.
 */
import path from "node:path";
import { COMPILED_GATEWAY, compiledModule } from "./compiled-gateway";
import { setSigningAtWrite } from "./signing-switch";

setSigningAtWrite(false);
compiledModule("audit/audit-integrator.js").startAuditIntegrator = () => ({ stop: async () => undefined });

require(path.resolve(COMPILED_GATEWAY));
