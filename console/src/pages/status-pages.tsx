import { t } from "../i18n/translate";
import { Link } from "../routing/link";
import type { Role } from "../session/session-store";
import { Page } from "../ui/page";

export function NotPermittedPage({ roles }: { roles: Role[] }) {
  return (
    <Page title={t("status.notPermitted")}>
      <p>{t("status.notPermittedBody", { roles: roles.map((role) => t(`role.${role}`)).join(", ") })}</p>
      <p>{t("status.askRole")} <Link href="/">{t("status.returnStart")}</Link>.</p>
    </Page>
  );
}

export function NotFoundPage() {
  return (
    <Page title={t("status.notFound")}>
      <p>{t("status.notFoundBody")} <Link href="/">{t("status.returnStart")}</Link>.</p>
    </Page>
  );
}

export function NoPagesPage() {
  return (
    <Page title={t("status.welcome")}>
      <p>{t("status.noPages")}</p>
    </Page>
  );
}
