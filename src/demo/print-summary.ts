import type { DemoDataset } from "./seed-demo";

const pad = (value: string, width: number) => value.padEnd(width);

/** Who can log in and what was seeded: ids and secrets only, no customer's personal data. */
export function printSummary(baseUrl: string, admin: { username: string; password: string }, dataset: DemoDataset): string {
  const { dealers, users, counts, customers } = dataset;
  const dealerLines = Object.values(dealers).map((dealer) => {
    const grants = dealer.grants.map((g) => (g.fields ? `${g.purpose} (${g.fields.join(", ")})` : g.purpose)).join("; ");
    const safeguard = dealer.transferSafeguard ?? (dealer.country === "US" ? "none" : "not needed");
    return [
      `  ${dealer.name} [${dealer.country}, safeguard: ${safeguard}]`,
      `    dealer id     ${dealer.id}`,
      `    client id     ${dealer.clientId}`,
      `    client secret ${dealer.clientSecret}`,
      `    grants        ${grants}`,
    ].join("\n");
  });
  return [
    "",
    `Gateway: ${baseUrl}   (JWKS at ${baseUrl}/.well-known/jwks.json, readiness at ${baseUrl}/readyz)`,
    "",
    "Admin users (POST /v1/auth/login):",
    `  ${pad(admin.username, 20)} ${pad(admin.password, 28)} every role (bootstrap user)`,
    `  ${pad(users.crm.username, 20)} ${pad(users.crm.password, 28)} crm_admin`,
    `  ${pad(users.compliance.username, 20)} ${pad(users.compliance.password, 28)} compliance_auditor`,
    "",
    "Dealers (POST /oauth/token with client_secret_basic or client_secret_post):",
    ...dealerLines,
    "",
    `Customers: ${customers.total} (externalRef CRM-000001 …), ${counts.restricted} restricted.`,
    `Consents: ${counts.consents} recorded; ${counts.withdrawn} withdrawn, ${counts.partlyWithdrawn} withdrawn for one purpose, ` +
      `${counts.shortLived} recorded for a few seconds only (now expired).`,
    "",
    "Walkthrough: paste these commands in order into a POSIX shell (curl and node needed; dealer tokens last ten minutes).",
    "",
  ].join("\n");
}
