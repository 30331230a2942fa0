import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventsWhere, integrate, verify } from "./audit.support";
import { TEST_DB } from "./support/databases";
import { dealerWithAccess, type DealerWithAccess } from "./support/fixtures";
import { startTestGateway, type TestGateway } from "./support/gateway";

/**
 * An audit write batch that loses a deadlock, or on a Galera cluster loses certification to another
 * node's commit, is rolled back whole by the database, and MariaDB says so with error 1213. The
 * gateway writes it again (three tries in all) rather than answering 503 to every request in it.
 * Here the database itself refuses the batch's INSERT with that error, as often as a budget kept in a
 * non-transactional table says, so the count of tries survives each rollback.
 */
describe.skipIf(TEST_DB !== "mysql")("an audit write that loses to a concurrent one (MySQL)", () => {
  let gw: TestGateway;
  let access: DealerWithAccess;

  const setRefusals = (n: number, errno = 1213) =>
    gw.dataSource.query("UPDATE refusal_budget SET refusals = ?, errno = ?", [n, errno]);
  const refusalsLeft = async () => Number((await gw.dataSource.query("SELECT refusals FROM refusal_budget"))[0].refusals);
  const tokenRequest = () =>
    gw.http.post("/oauth/token").type("form").send({ grant_type: "client_credentials", client_id: access.credential.clientId, client_secret: access.credential.clientSecret });
  const eventsOf = (requestId: string) => eventsWhere(gw, "request_id = ?", [requestId]);

  beforeAll(async () => {
    gw = await startTestGateway();
    access = await dealerWithAccess(gw);
    await gw.dataSource.query("CREATE TABLE refusal_budget (refusals INT NOT NULL, errno INT NOT NULL) ENGINE=Aria");
    await gw.dataSource.query("INSERT INTO refusal_budget VALUES (0, 1213)");
    await gw.dataSource.query(`
      CREATE TRIGGER audit_batches_refused BEFORE INSERT ON audit_batches FOR EACH ROW
      BEGIN
        DECLARE errno INT;
        SELECT refusal_budget.errno INTO errno FROM refusal_budget WHERE refusals > 0;
        IF errno IS NOT NULL THEN
          UPDATE refusal_budget SET refusals = refusals - 1;
          IF errno = 1213 THEN
            SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock; try restarting transaction';
          ELSE
            SIGNAL SQLSTATE '45000' SET MYSQL_ERRNO = 1644, MESSAGE_TEXT = 'refused';
          END IF;
        END IF;
      END`);
  });
  beforeEach(() => setRefusals(0));
  afterAll(async () => {
    await gw?.stop();
  });

  it("when the batch loses twice, then the third try commits: the token is issued and its event written once", async () => {
    await setRefusals(2);
    const response = await tokenRequest();
    expect(response.status, response.text).toBe(200);
    expect(await refusalsLeft()).toBe(0);
    expect(await eventsOf(response.headers["x-request-id"]!)).toHaveLength(1);
    await integrate(gw);
    expect((await verify(gw)).ok).toBe(true);
  });

  it("when the batch loses three times, then the request fails closed with 503 and leaves no event, and the next one succeeds", async () => {
    await setRefusals(4);
    const refused = await tokenRequest();
    expect(refused.status).toBe(503);
    expect(refused.body.access_token).toBeUndefined();
    expect(await refusalsLeft()).toBe(1);
    expect(await eventsOf(refused.headers["x-request-id"]!)).toEqual([]);
    await setRefusals(0);
    expect((await tokenRequest()).status).toBe(200);
  });

  it("when the batch fails for another reason, then it is not tried again", async () => {
    await setRefusals(2, 1644);
    expect((await tokenRequest()).status).toBe(503);
    expect(await refusalsLeft()).toBe(1);
  });
});
