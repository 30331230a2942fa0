import type { PlannedConsent } from "./consent-plan";
import type { DealerKey } from "./demo-dealers";
import { inParallel, type GatewayClient } from "./gateway-client";

const CHANNELS = ["boutique", "web", "phone", "dealer_store", "email"] as const;
const POLICY_VERSION = "2021-04";
const TWO_YEARS_MS = 2 * 365 * 86_400_000;

export interface ConsentSeedContext {
  admin: GatewayClient;
  customerIds: string[];
  externalRefs: string[];
  dealerIds: Record<DealerKey, string>;
  now: () => Date;
  shortExpirySeconds: number;
  concurrency: number;
}

export interface RecordedConsent extends PlannedConsent {
  id: string;
  expiresAt: string | null;
}

function expiresAt(planned: PlannedConsent, context: ConsentSeedContext): string | null {
  const now = context.now().getTime();
  if (planned.term === "open") return null;
  return new Date(now + (planned.term === "seconds" ? context.shortExpirySeconds * 1000 : TWO_YEARS_MS)).toISOString();
}

async function recordOne(planned: PlannedConsent, context: ConsentSeedContext): Promise<RecordedConsent> {
  const customerId = context.customerIds[planned.customerIndex]!;
  const expiry = expiresAt(planned, context);
  const body = {
    dealerId: context.dealerIds[planned.dealer],
    purposes: planned.purposes,
    channel: CHANNELS[(planned.customerIndex + planned.dealer.charCodeAt(0)) % CHANNELS.length],
    evidenceRef: `EV-${context.externalRefs[planned.customerIndex]}-${planned.dealer.toUpperCase()}`,
    policyVersion: POLICY_VERSION,
    ...(expiry ? { expiresAt: expiry } : {}),
  };
  const consent = await context.admin.call<{ id: string }>("POST", `/v1/admin/customers/${customerId}/consents`, body, [201]);
  return { ...planned, id: consent.id, expiresAt: expiry };
}

/**
 * Records the planned consents, the short-lived ones first so that they have expired by the time the
 * walkthrough is printed, then carries out the planned withdrawals.
 */
export async function seedConsents(planned: PlannedConsent[], context: ConsentSeedContext): Promise<RecordedConsent[]> {
  const ordered = [...planned.filter((p) => p.term === "seconds"), ...planned.filter((p) => p.term !== "seconds")];
  const recorded = await inParallel(ordered, context.concurrency, (p) => recordOne(p, context));
  const withdrawals = recorded.filter((consent) => consent.withdraw !== "none");
  await inParallel(withdrawals, context.concurrency, (consent) =>
    context.admin.call("POST", `/v1/admin/consents/${consent.id}/withdraw`, {
      ...(consent.withdraw === "one" ? { purposes: [consent.purposes[consent.purposes.length - 1]] } : {}),
      reason: "customer asked at the boutique",
    }, [200]),
  );
  return recorded;
}
