import type { Operation } from "../operation";
import { ADMIN_OPERATIONS } from "./admin-operations";
import { AUDIT_OPERATIONS } from "./audit-operations";
import { AUTH_OPERATIONS } from "./auth-operations";
import { CUSTOMER_OPERATIONS } from "./customer-operations";
import { DEALER_API_OPERATIONS } from "./dealer-api-operations";
import { LOOKUP_OPERATIONS } from "./lookup-operations";
import { WEBHOOK_OPERATIONS } from "./webhook-operations";

/** Every route the gateway serves, as the OpenAPI document describes it. */
export const OPERATIONS: Operation[] = [
  ...AUTH_OPERATIONS, ...ADMIN_OPERATIONS, ...WEBHOOK_OPERATIONS, ...CUSTOMER_OPERATIONS, ...DEALER_API_OPERATIONS, ...AUDIT_OPERATIONS, ...LOOKUP_OPERATIONS,
];
