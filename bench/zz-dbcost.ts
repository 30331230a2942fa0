import mysql from "mysql2/promise";
import { randomUUID } from "node:crypto";
import { cpuSeconds } from "./servers";
const mysqld = Number(process.env.MYSQLD_PID);
async function main() {
  const pool = mysql.createPool({ uri: "mysql://root@127.0.0.1:3306/gw_bench", connectionLimit: 10 });
  const [[seed]] = (await pool.query("SELECT dealer_id, client_id FROM bench_seed")) as any;
  const [ids] = (await pool.query({ sql: "SELECT customer_id FROM consent_purposes WHERE dealer_id = ? AND purpose_id='service_delivery' LIMIT 20000", rowsAsArray: true }, [seed.dealer_id])) as any;
  const pick = () => ids[Math.floor(Math.random() * ids.length)][0];
  const N = 20000;
  const run = async (name: string, one: () => Promise<unknown>, n = N) => {
    const m0 = cpuSeconds(mysqld); const t = performance.now(); let i = 0;
    await Promise.all(Array.from({ length: 50 }, async () => { while (i++ < n) await one(); }));
    const ms = performance.now() - t; const m = cpuSeconds(mysqld) - m0;
    console.log(name, "per s", Math.round(n / ms * 1000), "mysqld ms/op", (m * 1000 / n).toFixed(3));
  };
  const access = `SELECT d.status AS dealer_status, d.country AS dealer_country, d.transfer_safeguard AS dealer_safeguard, g.id AS grant_id, g.fields AS grant_fields, g.expires_at AS grant_expires_at, g.revoked_at AS grant_revoked_at, g.granted_at, cr.client_id AS credential_id, cr.revoked_at AS credential_revoked_at, c.id AS customer_id, c.status AS customer_status, c.profile AS customer_profile, cp.consent_id, cp.expires_at AS consent_expires_at, cp.withdrawn_at AS consent_withdrawn_at FROM dealers d LEFT JOIN dealer_credentials cr ON cr.client_id = ? AND cr.dealer_id = d.id LEFT JOIN dealer_grants g ON g.dealer_id = d.id AND g.purpose_id = ? LEFT JOIN customers c ON c.id = ? LEFT JOIN consent_purposes cp ON cp.customer_id = c.id AND cp.dealer_id = d.id AND cp.purpose_id = ? WHERE d.id = ?`;
  const straight = access.replace("SELECT d.status", "SELECT STRAIGHT_JOIN d.status");
  const twoTables = `SELECT c.id, c.status, c.profile, cp.consent_id, cp.expires_at, cp.withdrawn_at FROM customers c LEFT JOIN consent_purposes cp ON cp.customer_id = c.id AND cp.dealer_id = ? AND cp.purpose_id = ? WHERE c.id = ?`;
  const threeNoCust = `SELECT d.status, d.country, d.transfer_safeguard, g.id, g.fields, g.expires_at, g.revoked_at, g.granted_at, cr.client_id, cr.revoked_at FROM dealers d LEFT JOIN dealer_credentials cr ON cr.client_id = ? AND cr.dealer_id = d.id LEFT JOIN dealer_grants g ON g.dealer_id = d.id AND g.purpose_id = ? WHERE d.id = ?`;
  const cols = "id, at, actor_type, actor_id, action, dealer_id, customer_id, purpose, decision, reason, consent_id, grant_id, fields, status, request_id, ip, detail";
  const row = () => [randomUUID(), new Date().toISOString(), "dealer", seed.client_id, "customer.read", seed.dealer_id, pick(), "service_delivery", "allow", null, randomUUID(), randomUUID(), '["name","email","phone"]', 200, randomUUID(), "127.0.0.1", null];
  const insert = (n: number) => pool.query(`INSERT INTO audit_events (${cols}) VALUES ?`, [Array.from({ length: n }, row)]);
  if (process.env.ONLY_INSERT) {
    await run("insert x1 (per row)", () => insert(1), 5000);
    const m0 = cpuSeconds(mysqld); for (let i = 0; i < 200; i++) await insert(50); console.log("insert x50 mysqld ms/row", ((cpuSeconds(mysqld) - m0) * 1000 / 10000).toFixed(3));
    const m1 = cpuSeconds(mysqld); await Promise.all([0,1,2,3].map(async () => { for (let i = 0; i < 50; i++) await insert(50); })); console.log("insert x50 4-way mysqld ms/row", ((cpuSeconds(mysqld) - m1) * 1000 / 10000).toFixed(3));
    const covering = "SELECT c.id, c.status, c.profile, cp.consent_id FROM customers c LEFT JOIN consent_purposes cp ON cp.customer_id = c.id AND cp.dealer_id = ? AND cp.purpose_id = ? WHERE c.id = ?";
    await run("customer+consent covering", () => pool.query(covering, [seed.dealer_id, "service_delivery", pick()]));
    await pool.end(); return;
  }
  for (let r = 0; r < 2; r++) {
    await run("straight", () => pool.query(straight, [seed.client_id, "service_delivery", pick(), "service_delivery", seed.dealer_id]));
    await run("customer+consent", () => pool.query(twoTables, [seed.dealer_id, "service_delivery", pick()]));
    await run("dealer+cred+grant", () => pool.query(threeNoCust, [seed.client_id, "service_delivery", seed.dealer_id]));
    await run("execute access", () => pool.execute(access, [seed.client_id, "service_delivery", pick(), "service_delivery", seed.dealer_id]));
    await run("pk select", () => pool.query("SELECT id, status, profile FROM customers WHERE id = ?", [pick()]));
    await run("access query", () => pool.query(access, [seed.client_id, "service_delivery", pick(), "service_delivery", seed.dealer_id]));
    await run("credential query", () => pool.query("SELECT c.dealer_id, c.revoked_at, d.status FROM dealer_credentials c JOIN dealers d ON d.id = c.dealer_id WHERE c.client_id = ?", [seed.client_id]));
  }
  await pool.end();
}
main();
