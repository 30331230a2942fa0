import { InitialSchema1764028800000 } from "./1764028800000-InitialSchema";
import { AuditSeals1764118800000 } from "./1764118800000-AuditSeals";
import { Retention1764205200000 } from "./1764205200000-Retention";
import { GatewayLocks1764291600000 } from "./1764291600000-GatewayLocks";
import { AdminSignInState1764300000001 } from "./1764300000001-AdminSignInState";
import { VerifiableAuditLog1764400000000 } from "./1764400000000-VerifiableAuditLog";
import { AuditVerifiedMarks1764500000000 } from "./1764500000000-AuditVerifiedMarks";
import { DealerWebhooks1764600000000 } from "./1764600000000-DealerWebhooks";
import { PointOfSaleWrites1764700000000 } from "./1764700000000-PointOfSaleWrites";
import { AuditTreeTiles1764800000000 } from "./1764800000000-AuditTreeTiles";
import { AuditBatchMac1764900000000 } from "./1764900000000-AuditBatchMac";
import { AuditLeavesByBatch1765000000000 } from "./1765000000000-AuditLeavesByBatch";

/** Every migration, oldest first. Listed explicitly so the app, the CLI and tests share one set. */
export const MIGRATIONS = [
  InitialSchema1764028800000, AuditSeals1764118800000, Retention1764205200000, GatewayLocks1764291600000, AdminSignInState1764300000001,
  VerifiableAuditLog1764400000000, AuditVerifiedMarks1764500000000, DealerWebhooks1764600000000, PointOfSaleWrites1764700000000,
  AuditTreeTiles1764800000000, AuditBatchMac1764900000000, AuditLeavesByBatch1765000000000,
];
