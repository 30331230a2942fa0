import { Router, type Request } from "express";
import { z } from "zod";
import type { AppDeps } from "../app-deps";
import { normalisePhone } from "../customers/customer-fields";
import { dealerActor } from "../http/request-context";
import { problems } from "../http/problem";
import { parse } from "../http/validate";
import { decideAccess, decideDealerAccess } from "../policy/decide-access";
import { loadAccessInputs, requestedPurpose, type CustomerInputs, type CustomerSelector, type DealerInputs } from "./access-inputs";
import { auditedRoute, denialProblem, type Outcome } from "./audited-outcome";
import { consentingCustomers } from "./consenting-customers";
import { projectCustomer, type CustomerView } from "./customer-projection";
import { decodeCursor, encodeCursor } from "../http/cursor";
import { cursorParam, DEFAULT_PAGE_SIZE, limitParam } from "./page-params";

const uuid = z.uuid();
const isUuid = (value: string) => uuid.safeParse(value).success;

/** `purpose` is checked by the decision (400 invalid_purpose), not by the schema. */
export const readQuery = z.strictObject({ purpose: z.unknown().optional() });
export const listQuery = z.strictObject({ purpose: z.unknown().optional(), cursor: cursorParam, limit: limitParam });
export const lookupBody = z
  .strictObject({ email: z.string().trim().max(254).pipe(z.email()).optional(), phone: z.string().max(32).optional() })
  .refine((body) => (body.email === undefined) !== (body.phone === undefined), { message: "give exactly one of email or phone" });

function lookupSelector(body: z.output<typeof lookupBody>): CustomerSelector {
  if (body.email !== undefined) return { by: "email", value: body.email.toLowerCase() };
  const phone = normalisePhone(body.phone ?? "");
  if (!phone) throw problems.validation("Invalid body: phone must be a phone number in E.164 form", [{ path: "phone", message: "not a phone number" }]);
  return { by: "phone", value: phone };
}

/** The request's decision context: who asks, for which purpose, at which instant. */
async function accessContext(deps: AppDeps, req: Request) {
  const actor = dealerActor(req);
  const purpose = await requestedPurpose(deps, req.query.purpose);
  const now = deps.clock().toISOString();
  const base = { dealerId: actor.dealerId, clientId: actor.id, purposeId: purpose?.id ?? "" };
  return { actor, purpose, now, base, audit: { purpose: purpose?.id ?? null } };
}

type Context = Awaited<ReturnType<typeof accessContext>>;

/** Runs each customer through the decision; only the allowed ones are projected. */
function disclose(ctx: Context, dealerSide: DealerInputs, customers: CustomerInputs[]) {
  const views: CustomerView[] = [];
  const consentIds: string[] = [];
  const withheld: { customerId: string; reason: string }[] = [];
  const fields = new Set<string>();
  for (const entry of customers) {
    const decision = decideAccess({ now: ctx.now, purpose: ctx.purpose, tokenScopes: ctx.actor.scopes, ...dealerSide, customer: entry.customer, consents: entry.consents });
    if (!decision.allow) {
      withheld.push({ customerId: entry.id, reason: decision.reason });
      continue;
    }
    const projected = projectCustomer(entry.id, ctx.purpose!.id, entry.profile, decision);
    views.push(projected.view);
    consentIds.push(decision.consentId);
    projected.fields.forEach((field) => fields.add(field));
  }
  return { views, consentIds, withheld, fields: [...fields] };
}

/** `GET /v1/customers/{id}`, `POST /v1/customers/lookup` and `GET /v1/customers` (contract section 4). */
export function customerAccessRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get("/v1/customers/:id", deps.authenticateDealerToken, auditedRoute(deps, "customer.read", async (req): Promise<Outcome> => {
    parse(readQuery, req.query, "query");
    const ctx = await accessContext(deps, req);
    const rawId = String(req.params.id);
    const wellFormed = isUuid(rawId);
    const customerId = rawId.toLowerCase();
    // A malformed id still runs the same query, so its 404 costs what any other 404 costs.
    const inputs = await loadAccessInputs(deps.dataSource, { ...ctx.base, customer: { by: "id", value: customerId } });
    const match = wellFormed ? inputs.customers.find((entry) => entry.id === customerId) : undefined;
    const decision = decideAccess({
      now: ctx.now, purpose: ctx.purpose, tokenScopes: ctx.actor.scopes, ...inputs.dealerSide, customer: match?.customer ?? null, consents: match?.consents ?? [],
    });
    const facts = { ...ctx.audit, customerId: wellFormed ? customerId : null, ...(wellFormed ? {} : { detail: { customerIdMalformed: true } }) };
    if (!decision.allow) return { problem: denialProblem(decision), facts: { ...facts, reason: decision.reason } };
    const { view, fields } = projectCustomer(customerId, ctx.purpose!.id, match!.profile, decision);
    return { body: view, facts: { ...facts, consentId: decision.consentId, grantId: decision.grantId, fields } };
  }));

  router.post("/v1/customers/lookup", deps.authenticateDealerToken, auditedRoute(deps, "customer.lookup", async (req): Promise<Outcome> => {
    parse(readQuery, req.query, "query");
    const selector = lookupSelector(parse(lookupBody, req.body ?? {}));
    const ctx = await accessContext(deps, req);
    const inputs = await loadAccessInputs(deps.dataSource, { ...ctx.base, customer: selector });
    const dealerDecision = decideDealerAccess({ now: ctx.now, purpose: ctx.purpose, tokenScopes: ctx.actor.scopes, ...inputs.dealerSide });
    const searched = { ...ctx.audit, detail: { by: selector.by } };
    if (!dealerDecision.allow) return { problem: denialProblem(dealerDecision), facts: { ...searched, reason: dealerDecision.reason } };
    const found = disclose(ctx, inputs.dealerSide, inputs.customers);
    const single = found.views.length === 1 ? { customerId: found.views[0]!.id, consentId: found.consentIds[0]! } : {};
    return {
      body: { matches: found.views },
      facts: {
        ...searched, ...single, grantId: dealerDecision.grantId, fields: found.fields,
        detail: { by: selector.by, customerIds: found.views.map((view) => view.id), consentIds: found.consentIds, withheld: found.withheld },
      },
    };
  }));

  router.get("/v1/customers", deps.authenticateDealerToken, auditedRoute(deps, "customer.list", async (req): Promise<Outcome> => {
    const query = parse(listQuery, req.query, "query");
    const after = query.cursor ? decodeCursor(query.cursor, uuid, "customers") : "";
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const ctx = await accessContext(deps, req);
    const { dealerSide } = await loadAccessInputs(deps.dataSource, ctx.base);
    const dealerDecision = decideDealerAccess({ now: ctx.now, purpose: ctx.purpose, tokenScopes: ctx.actor.scopes, ...dealerSide });
    if (!dealerDecision.allow) return { problem: denialProblem(dealerDecision), facts: { ...ctx.audit, reason: dealerDecision.reason } };
    const page = await consentingCustomers(deps.dataSource, { dealerId: ctx.actor.dealerId, purposeId: ctx.purpose!.id, afterCustomerId: after, now: ctx.now, limit });
    const found = disclose(ctx, dealerSide, page.customers);
    const last = page.customers.at(-1);
    return {
      body: { items: found.views, nextCursor: page.more && last ? encodeCursor(last.id, "customers") : null },
      facts: {
        ...ctx.audit, grantId: dealerDecision.grantId, fields: found.fields,
        detail: { count: found.views.length, customerIds: found.views.map((view) => view.id), consentIds: found.consentIds },
      },
    };
  }));

  return router;
}
