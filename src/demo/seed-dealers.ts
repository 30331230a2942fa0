import { DEMO_DEALERS, type DealerKey, type DemoDealer } from "./demo-dealers";
import type { GatewayClient } from "./gateway-client";

export interface SeededDealer extends DemoDealer {
  id: string;
  clientId: string;
  /** Shown once by the gateway; kept so the walkthrough can print working commands. */
  clientSecret: string;
}

export interface DemoUser {
  username: string;
  password: string;
  roles: string[];
}

/** Two people with one role each, so the walkthrough shows need-to-know: the CRM desk and the compliance officer. */
export const DEMO_USERS = {
  crm: { username: "crm.desk", password: "crm-desk-demo-password", roles: ["crm_admin"] },
  compliance: { username: "compliance.officer", password: "compliance-demo-password", roles: ["compliance_auditor"] },
} satisfies Record<string, DemoUser>;

export async function seedUsers(admin: GatewayClient): Promise<typeof DEMO_USERS> {
  for (const user of Object.values(DEMO_USERS)) await admin.call("POST", "/v1/admin/users", user, [201]);
  return DEMO_USERS;
}

async function seedDealer(admin: GatewayClient, dealer: DemoDealer): Promise<SeededDealer> {
  const created = await admin.call<{ id: string }>("POST", "/v1/admin/dealers", {
    name: dealer.name, country: dealer.country, ...(dealer.transferSafeguard ? { transferSafeguard: dealer.transferSafeguard } : {}),
  }, [201]);
  const credential = await admin.call<{ clientId: string; clientSecret: string }>("POST", `/v1/admin/dealers/${created.id}/credentials`, {}, [201]);
  for (const grant of dealer.grants) {
    await admin.call("PUT", `/v1/admin/dealers/${created.id}/grants/${grant.purpose}`, { ...(grant.fields ? { fields: grant.fields } : {}), ...(grant.write ? { write: true } : {}) }, [200, 201]);
  }
  return { ...dealer, id: created.id, clientId: credential.clientId, clientSecret: credential.clientSecret };
}

/** The four demo dealers, each with one credential and its grants. */
export async function seedDealers(admin: GatewayClient): Promise<Record<DealerKey, SeededDealer>> {
  const seeded = await Promise.all(DEMO_DEALERS.map((dealer) => seedDealer(admin, dealer)));
  return Object.fromEntries(seeded.map((dealer) => [dealer.key, dealer])) as Record<DealerKey, SeededDealer>;
}
