import { Link } from "../routing/link";
import type { Role } from "../session/session-store";
import { Page } from "../ui/page";

export function NotPermittedPage({ roles }: { roles: Role[] }) {
  return (
    <Page title="Not permitted">
      <p>Your roles ({roles.map((role) => role.replace(/_/g, " ")).join(", ")}) do not open this page.</p>
      <p>Ask a user administrator for the role you need, or <Link href="/">return to your start page</Link>.</p>
    </Page>
  );
}

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>There is no console page at this address. <Link href="/">Return to your start page</Link>.</p>
    </Page>
  );
}

export function NoPagesPage() {
  return (
    <Page title="Welcome">
      <p>Your roles open no console pages. Admin users are managed through the admin API (<code>/v1/admin/users</code>).</p>
    </Page>
  );
}
