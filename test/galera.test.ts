import supertest from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/db/migrations";
import { lockContentionTests } from "./database-lock.support";
import { spawnGateway, type ChildGateway } from "./support/child-gateway";
import { TEST_DB } from "./support/databases";
import { createCredential, dealerToken, dealerWithAccess, recordConsent, type DealerWithAccess } from "./support/fixtures";
import {
  clusterScript, createGaleraDatabase, GALERA, GALERA_REQUIRED, isolateNode, onNode, pauseApplying, routedNode, waitSynced, type GaleraDatabase,
} from "./support/galera";
import { ADMIN_PASSWORD, type TestGateway } from "./support/gateway";

/**
 * Contract 8 on a MariaDB Galera cluster (scripts/galera-cluster.sh: three nodes, HAProxy in front):
 * gateway processes on different nodes keep every guarantee of section 1, and the service survives
 * the loss of a node. One file, so that its tests take the cluster one at a time.
 */
const onGalera = TEST_DB === "mysql" && (GALERA !== undefined || GALERA_REQUIRED);
const ROUNDS = 30;

type Client = TestGateway & { token: string };

/** A child gateway as the fixtures expect one, signed in as the bootstrap admin. */
async function asClient(child: ChildGateway): Promise<Client> {
  const http = supertest(child.url);
  const token = (await http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD }).expect(200)).body.access_token as string;
  return { http, url: child.url, adminToken: async () => token, token } as unknown as Client;
}

/** Request ids of the 2xx answers a test got, to check that each left exactly one audit event. */
class Acknowledged {
  readonly requestIds: string[] = [];
  note<T extends { status: number; headers: Record<string, string> }>(response: T): T {
    if (response.status < 300) this.requestIds.push(response.headers["x-request-id"]!);
    return response;
  }
}

/** How many audit events each of the request ids has, read on `node`. */
async function auditEventsPerRequest(database: GaleraDatabase, node: number, requestIds: string[]): Promise<Map<string, number>> {
  const counts = new Map(requestIds.map((id) => [id, 0]));
  for (let i = 0; i < requestIds.length; i += 500) {
    const chunk = requestIds.slice(i, i + 500);
    const rows = await onNode<{ request_id: string; n: number | string }>(node,
      `SELECT request_id, COUNT(*) AS n FROM ${database.name}.audit_events WHERE request_id IN (${chunk.map(() => "?").join(", ")}) GROUP BY request_id`, chunk);
    for (const row of rows) counts.set(row.request_id, Number(row.n));
  }
  return counts;
}

async function expectOneEventEach(database: GaleraDatabase, node: number, requestIds: string[]): Promise<void> {
  expect(requestIds.length).toBeGreaterThan(0);
  const counts = await auditEventsPerRequest(database, node, requestIds);
  const wrong = [...counts].filter(([, n]) => n !== 1);
  expect(wrong, `${wrong.length} of ${requestIds.length} acknowledged requests without exactly one audit event`).toEqual([]);
}

describe.skipIf(!onGalera)("on a MariaDB Galera cluster", () => {
  let database: GaleraDatabase;
  beforeAll(async () => {
    database = await createGaleraDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  describe("the database lock, taken through two different nodes", () => {
    lockContentionTests(() => [database.nodeUrl(1), database.nodeUrl(2)]);
  });

  describe("gateway processes on different nodes", () => {
    let a: ChildGateway;
    let b: ChildGateway;
    let viaA: Client;
    let viaB: Client;
    const acknowledged = new Acknowledged();

    beforeAll(async () => {
      // Started at the same moment on an empty database: the migration lock must hold across nodes.
      const onNodes = (node: number) => spawnGateway({ databaseUrl: database.nodeUrl(node), readyTimeoutMs: 90_000 });
      [a, b] = await Promise.all([onNodes(1), onNodes(2)]);
      [viaA, viaB] = await Promise.all([asClient(a), asClient(b)]);
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a?.dispose(), b?.dispose()]);
    });
    afterEach((context) => {
      // What the processes logged at warn level or above says why an answer was not the one expected.
      if (context.task.result?.state !== "fail") return;
      for (const [name, child] of [["node 1", a], ["node 2", b]] as const) {
        const logged = child?.output().split("\n").filter((line) => /"level":(4|5|6)\d/.test(line)).slice(-20) ?? [];
        if (logged.length > 0) console.error(`gateway on ${name}, last warnings and errors:\n${logged.join("\n")}`);
      }
    });

    const read = (access: DealerWithAccess, token = access.token) =>
      viaB.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(token, { type: "bearer" }).then((r) => acknowledged.note(r));
    const asAdmin = (request: supertest.Test) => request.auth(viaA.token, { type: "bearer" }).then((r) => acknowledged.note(r));

    it("when two processes start at the same moment on nodes 1 and 2, then both come up, each migration ran once and one bootstrap admin exists", async () => {
      const migrations = await onNode<{ name: string }>(3, `SELECT name FROM ${database.name}.schema_migrations`);
      expect(migrations.map((row) => row.name).sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
      expect(await onNode(3, `SELECT username FROM ${database.name}.admin_users`)).toEqual([{ username: "admin" }]);
    });

    it(`when a consent is withdrawn through node 1, then the very next read through node 2 is refused, ${ROUNDS} times in a row`, async () => {
      const access = await dealerWithAccess(viaA);
      for (let round = 0; round < ROUNDS; round += 1) {
        const consent = round === 0 ? access.consent : await recordConsent(viaA, access.customer.id, { dealerId: access.dealer.id, purposes: ["service_delivery"] });
        expect((await read(access)).status, `round ${round}: readable before`).toBe(200);
        expect((await asAdmin(viaA.http.post(`/v1/admin/consents/${consent.id}/withdraw`).send({}))).status).toBe(200);
        const refused = await read(access);
        expect(refused.status, `round ${round}`).toBe(404);
        expect(refused.body.data).toBeUndefined();
      }
    }, 120_000);

    it(`when a dealer is suspended through node 1, then the very next read through node 2 is refused, ${ROUNDS} times in a row`, async () => {
      const access = await dealerWithAccess(viaA);
      for (let round = 0; round < ROUNDS; round += 1) {
        expect((await read(access)).status, `round ${round}: readable before`).toBe(200);
        expect((await asAdmin(viaA.http.post(`/v1/admin/dealers/${access.dealer.id}/suspend`).send({}))).status).toBe(200);
        expect((await read(access)).status, `round ${round}`).toBe(401);
        expect((await asAdmin(viaA.http.post(`/v1/admin/dealers/${access.dealer.id}/reinstate`).send({}))).status).toBe(200);
      }
    }, 120_000);

    it(`when a credential is revoked through node 1, then the very next read through node 2 is refused, ${ROUNDS} times in a row`, async () => {
      const access = await dealerWithAccess(viaA);
      for (let round = 0; round < ROUNDS; round += 1) {
        const credential = round === 0 ? access.credential : await createCredential(viaA, access.dealer.id);
        const token = await dealerToken(viaB, credential);
        expect((await read(access, token)).status, `round ${round}: readable before`).toBe(200);
        expect((await asAdmin(viaA.http.delete(`/v1/admin/dealers/${access.dealer.id}/credentials/${credential.clientId}`))).status).toBe(204);
        expect((await read(access, token)).status, `round ${round}`).toBe(401);
      }
    }, 120_000);

    it("when node 2 lags behind (it stopped applying others' writes), then a read through it after a withdrawal through node 1 waits for the withdrawal and is refused, never served from the old state", async () => {
      const access = await dealerWithAccess(viaA);
      expect((await read(access)).status).toBe(200);
      const paused = await pauseApplying(2, 1500);
      try {
        expect((await asAdmin(viaA.http.post(`/v1/admin/consents/${access.consent.id}/withdraw`).send({}))).status).toBe(200);
        const refused = await read(access);
        expect(refused.status).toBe(404);
        expect(refused.body.data).toBeUndefined();
      } finally {
        await paused.resumed;
      }
    }, 60_000);

    it("when all of the above is done, then every acknowledged request has exactly one audit event", async () => {
      await expectOneEventEach(database, 3, acknowledged.requestIds);
    });
  });

  describe("a node that has left the cluster", () => {
    let c: ChildGateway;
    let viaC: Client;
    let access: DealerWithAccess;
    beforeAll(async () => {
      c = await spawnGateway({ databaseUrl: database.nodeUrl(3), readyTimeoutMs: 90_000 });
      viaC = await asClient(c);
      access = await dealerWithAccess(viaC);
    }, 120_000);
    afterAll(async () => {
      await isolateNode(3, false).catch(() => undefined);
      await c?.dispose();
    }, 90_000);

    const gatewayConnections = async () =>
      (await onNode<{ ID: number }>(3, "SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ?", [database.name])).map((row) => Number(row.ID));

    it("when the node of a gateway leaves the cluster, then reads, sign-ins and tokens get 503 (not 500) without data, the refused connections leave the pool, and service returns once the node is back", async () => {
      await viaC.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" }).expect(200);
      const before = await gatewayConnections();
      await isolateNode(3, true);
      try {
        const readAnswer = await viaC.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" });
        expect(readAnswer.status, readAnswer.text).toBe(503);
        expect(readAnswer.body).toMatchObject({ code: "unavailable" });
        expect(readAnswer.body.data).toBeUndefined();
        expect((await viaC.http.post("/v1/auth/login").send({ username: "admin", password: ADMIN_PASSWORD })).status).toBe(503);
        expect((await viaC.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: access.credential.clientId, client_secret: access.credential.clientSecret })).status).toBe(503);
        // The connection that got error 1047 was destroyed, not handed back to the pool.
        const deadline = Date.now() + 3000;
        let after = await gatewayConnections();
        while (before.every((id) => after.includes(id)) && Date.now() < deadline) after = await gatewayConnections();
        expect(before.filter((id) => !after.includes(id)).length).toBeGreaterThan(0);
      } finally {
        await isolateNode(3, false);
      }
      const back = Date.now();
      let status = 0;
      while (status !== 200 && Date.now() - back < 10_000) {
        status = (await viaC.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" })).status;
      }
      expect(status).toBe(200);
    }, 90_000);
  });

  describe("the node HAProxy routes to is killed under load", () => {
    let gateway: ChildGateway;
    let client: Client;
    let killed = 0;
    beforeAll(async () => {
      gateway = await spawnGateway({ databaseUrl: database.url, readyTimeoutMs: 90_000 });
      client = await asClient(gateway);
    }, 120_000);
    afterAll(async () => {
      await gateway?.dispose();
      if (killed) await clusterScript("start-node", String(killed)).catch(() => undefined);
    }, 180_000);

    it("when it dies, then in-flight requests get 503, new ones succeed within seconds, every acknowledged read is in the audit log, the log verifies, and the node rejoins", async () => {
      const access = await dealerWithAccess(client);
      const answers: { startedAt: number; endedAt: number; status: number; requestId: string }[] = [];
      let loading = true;
      const worker = async () => {
        while (loading) {
          const startedAt = Date.now();
          const response = await fetch(`${gateway.url}/v1/customers/${access.customer.id}?purpose=service_delivery`, { headers: { authorization: `Bearer ${access.token}` } })
            .catch(() => undefined);
          await response?.arrayBuffer();
          answers.push({ startedAt, endedAt: Date.now(), status: response?.status ?? 0, requestId: response?.headers.get("x-request-id") ?? "" });
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      killed = await routedNode();
      const killedAt = Date.now();
      await clusterScript("kill-node", String(killed));
      // Load goes on until answers have been 200 for three seconds in a row (at most 30 s).
      while (Date.now() - killedAt < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const lastFailure = Math.max(killedAt, ...answers.filter((answer) => answer.status !== 200).map((answer) => answer.endedAt));
        if (answers.some((answer) => answer.startedAt > lastFailure + 3000 && answer.status === 200)) break;
      }
      loading = false;
      await Promise.all(workers);

      const failures = answers.filter((answer) => answer.status !== 200);
      const servedAgain = Math.min(...answers.filter((answer) => answer.startedAt >= killedAt && answer.status === 200).map((answer) => answer.endedAt));
      const lastFailure = Math.max(killedAt, ...failures.map((answer) => answer.endedAt));
      const slowest = Math.max(...answers.filter((answer) => answer.startedAt >= killedAt - 1000).map((answer) => answer.endedAt - answer.startedAt));
      console.info(`galera failover: node ${killed} killed; first 200 after ${servedAgain - killedAt} ms, last failure after ${lastFailure - killedAt} ms; ` +
        `${failures.length} of ${answers.length} answers failed (${[...new Set(failures.map((answer) => answer.status))].join(", ") || "none"}); slowest answer ${slowest} ms`);
      expect(failures.filter((answer) => answer.status !== 503)).toEqual([]);
      expect(servedAgain - killedAt).toBeLessThan(15_000);
      expect(lastFailure - killedAt).toBeLessThan(15_000);
      expect(answers.some((answer) => answer.startedAt > lastFailure + 3000)).toBe(true);

      const survivor = [1, 2, 3].find((node) => node !== killed)!;
      await expectOneEventEach(database, survivor, answers.filter((answer) => answer.status === 200).map((answer) => answer.requestId));
      const verified = await client.http.get("/v1/audit/verify").auth(client.token, { type: "bearer" });
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body).toMatchObject({ ok: true });

      const rejoinStarted = Date.now();
      await clusterScript("start-node", String(killed));
      await waitSynced(killed);
      console.info(`galera failover: node ${killed} rejoined and Synced in ${Date.now() - rejoinStarted} ms`);
      const count = async (node: number) => Number((await onNode<{ n: number }>(node, `SELECT COUNT(*) AS n FROM ${database.name}.audit_events`))[0]!.n);
      expect(await count(killed)).toBe(await count(survivor));
      killed = 0;
      await client.http.get(`/v1/customers/${access.customer.id}?purpose=service_delivery`).auth(access.token, { type: "bearer" }).expect(200);
    }, 150_000);
  });
});
