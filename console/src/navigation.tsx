import { t } from "./i18n/translate";
import { Link } from "./routing/link";
import { NAV_GROUPS, ROUTES } from "./routes";
import type { Role } from "./session/session-store";

/** Only the pages the user's roles open; the others are not listed at all. On a phone it folds behind the menu button. */
export function Navigation({ roles, path, open }: { roles: Role[]; path: string; open: boolean }) {
  const visible = ROUTES.filter((route) => route.nav && route.allowed(roles));
  return (
    <nav id="console-nav" class={open ? "sidebar sidebar-open" : "sidebar"} aria-label="Console">
      {NAV_GROUPS.map((group) => {
        const routes = visible.filter((route) => route.nav!.group === group);
        if (routes.length === 0) return null;
        return (
          <div class="nav-group" key={group}>
            <p class="nav-heading">{t(`nav.group.${group}`)}</p>
            <ul>
              {routes.map((route) => {
                const current = path === route.pattern || (route.pattern !== "/audit" && path.startsWith(`${route.pattern}/`));
                return <li key={route.pattern}><Link href={route.pattern} current={current} class="nav-link">{t(route.nav!.label)}</Link></li>;
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
