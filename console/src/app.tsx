import { useEffect, useState } from "preact/hooks";
import { LanguageSwitcher } from "./i18n/language-switcher";
import { useLocale } from "./i18n/locale";
import { t } from "./i18n/translate";
import { Navigation } from "./navigation";
import { SignInPage } from "./pages/sign-in-page";
import { NotFoundPage, NotPermittedPage } from "./pages/status-pages";
import { navigate, useLocation } from "./routing/router";
import { findRoute, homePath } from "./routes";
import { ExpiryWarning } from "./session/expiry-warning";
import { forgetAllDrafts } from "./session/kept-drafts";
import { endSession } from "./session/session-store";
import { useSession } from "./session/use-session";

function signOut(): void {
  forgetAllDrafts();
  endSession("signed_out");
  navigate("/", { replace: true });
}

export function App() {
  const locale = useLocale();
  const session = useSession();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const home = session ? homePath(session.roles) : "/";
  useEffect(() => {
    if (session && location.path === "/") navigate(home, { replace: true });
  }, [session, location.path, home]);
  useEffect(() => setMenuOpen(false), [location.path]);
  if (!session) return <SignInPage key={locale} locale={locale} />;

  const match = findRoute(location.path);
  let content;
  if (location.path === "/") content = null;
  else if (!match) content = <NotFoundPage />;
  else if (!match.route.allowed(session.roles)) content = <NotPermittedPage roles={session.roles} />;
  // Keyed by the full address and the language: pages read their query once, so a new address gets a fresh page.
  else content = <match.route.page key={`${locale}:${location.path}?${location.params}`} params={match.params} query={location.params} roles={session.roles} />;

  return (
    <div class="shell" key={locale}>
      <a class="skip-link" href="#main">{t("app.skip")}</a>
      <header class="topbar">
        <button type="button" class="button button-quiet button-small menu-button" aria-expanded={menuOpen} aria-controls="console-nav"
          onClick={() => setMenuOpen(!menuOpen)}>{t("app.menu")}</button>
        <p class="brand">{t("app.brand")} <span class="brand-sub">{t("app.console")}</span></p>
        <div class="account">
          <span class="account-name">{session.username}</span>
          <span class="account-roles">{session.roles.map((role) => t(`role.${role}`)).join(" · ")}</span>
          <LanguageSwitcher locale={locale} />
          <button type="button" class="button button-quiet button-small" onClick={signOut}>{t("app.signOut")}</button>
        </div>
      </header>
      <ExpiryWarning expiresAt={session.expiresAt} />
      <div class="layout">
        <Navigation roles={session.roles} path={location.path} open={menuOpen} />
        <main id="main" class="content" tabIndex={-1}>{content}</main>
      </div>
    </div>
  );
}
