import type { FunctionComponent } from "preact";
import { AccessCheckPage } from "./pages/access-check/access-check-page";
import { ActivityPage } from "./pages/compliance/activity-page";
import { AuditLogPage } from "./pages/compliance/audit-log-page";
import { IntegrityPage } from "./pages/compliance/integrity-page";
import { PendingPurgesPage } from "./pages/compliance/pending-purges-page";
import { ReportPage } from "./pages/compliance/report-page";
import { CustomerPage } from "./pages/customers/customer-page";
import { CustomersPage } from "./pages/customers/customers-page";
import { DealerPage } from "./pages/dealers/dealer-page";
import { DealersPage } from "./pages/dealers/dealers-page";
import { NoPagesPage } from "./pages/status-pages";
import type { MessageKey } from "./i18n/translate";
import { matchPath } from "./routing/router";
import type { Role } from "./session/session-store";
import { canAudit, canCheckAccess, canManageCrm } from "./session/use-session";

export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
  roles: Role[];
}

export const NAV_GROUPS = ["crm", "compliance", "access"] as const;
export type NavGroup = (typeof NAV_GROUPS)[number];

export interface Route {
  pattern: string;
  page: FunctionComponent<PageProps>;
  allowed: (roles: readonly Role[]) => boolean;
  /** Shown in the navigation under this group when set. */
  nav?: { group: NavGroup; label: MessageKey };
}

/** Every page, and who may see it; the API enforces the same roles on every call behind it. */
export const ROUTES: Route[] = [
  { pattern: "/dealers", page: DealersPage, allowed: canManageCrm, nav: { group: "crm", label: "nav.dealers" } },
  { pattern: "/dealers/:id", page: DealerPage, allowed: canManageCrm },
  { pattern: "/customers", page: CustomersPage, allowed: canManageCrm, nav: { group: "crm", label: "nav.customers" } },
  { pattern: "/customers/:id", page: CustomerPage, allowed: canManageCrm },
  { pattern: "/audit", page: AuditLogPage, allowed: canAudit, nav: { group: "compliance", label: "nav.auditLog" } },
  { pattern: "/audit/activity", page: ActivityPage, allowed: canAudit, nav: { group: "compliance", label: "nav.activity" } },
  { pattern: "/audit/report", page: ReportPage, allowed: canAudit, nav: { group: "compliance", label: "nav.report" } },
  { pattern: "/audit/purges", page: PendingPurgesPage, allowed: canAudit, nav: { group: "compliance", label: "nav.purges" } },
  { pattern: "/audit/integrity", page: IntegrityPage, allowed: canAudit, nav: { group: "compliance", label: "nav.integrity" } },
  { pattern: "/access-check", page: AccessCheckPage, allowed: canCheckAccess, nav: { group: "access", label: "nav.accessCheck" } },
  { pattern: "/welcome", page: NoPagesPage, allowed: () => true },
];

export function findRoute(path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (params) return { route, params };
  }
  return null;
}

/** The first page these roles may open, in table order: CRM admins start at dealers, auditors at the audit log. */
export function homePath(roles: readonly Role[]): string {
  return ROUTES.find((route) => route.nav && route.allowed(roles))?.pattern ?? "/welcome";
}
