import { randomUUID } from "node:crypto";
import type { Request } from "express";
import type { DataSource, EntityManager } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { problems } from "../http/problem";
import { AuditEventEntity, type ActorType, type AuditEvent } from "./audit-event.entity";

export type AuditInput = Omit<AuditEvent, "seq" | "id" | "at" | "dealerId" | "customerId" | "purpose" | "reason" | "consentId" | "grantId" | "fields" | "detail"> &
  Partial<Pick<AuditEvent, "dealerId" | "customerId" | "purpose" | "reason" | "consentId" | "grantId" | "fields" | "detail">>;

/** What an audited request says about itself; the actor, request id and address come from the request. */
export type AuditFacts = Omit<AuditInput, "actorType" | "actorId" | "requestId" | "ip"> & { actorId?: string; actorType?: ActorType };

export interface AuditLog {
  /** Writes one event; rejects with a 503 problem when it cannot, so the caller gets no data (fail-closed). */
  record(input: AuditInput, manager?: EntityManager): Promise<void>;
}

export function auditInput(req: Request, facts: AuditFacts): AuditInput {
  const actor = req.ctx.actor;
  return {
    dealerId: actor?.type === "dealer" ? actor.dealerId : null,
    ...facts,
    actorType: facts.actorType ?? actor?.type ?? "system",
    actorId: facts.actorId ?? actor?.id ?? "anonymous",
    requestId: req.ctx.requestId,
    ip: req.ctx.ip,
  };
}

export function createAuditLog(dataSource: DataSource, clock: () => Date): AuditLog {
  return {
    async record(input, manager = dataSource.manager) {
      const event = {
        dealerId: null, customerId: null, purpose: null, reason: null, consentId: null, grantId: null, fields: null, detail: null,
        ...input,
        id: randomUUID(),
        at: clock().toISOString(),
      };
      try {
        await manager.insert(AuditEventEntity, event as QueryDeepPartialEntity<AuditEvent>);
      } catch (cause) {
        throw Object.assign(problems.unavailable("The audit log cannot be written, so the request was not carried out"), { cause });
      }
    },
  };
}
