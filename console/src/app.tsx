import { useEffect } from "preact/hooks";
import { Navigation } from "./navigation";
import { SignInPage } from "./pages/sign-in-page";
import { NotFoundPage, NotPermittedPage } from "./pages/status-pages";
import { navigate, useLocation } from "./routing/router";
import { findRoute, homePath } from "./routes";
import { endSession } from "./session/session-store";
import { useSession } from "./session/use-session";

function signOut(): void {
  endSession("signed_out");
  navigate("/", { replace: true });
}

export function App() {
  const session = useSession();
  const location = useLocation();
  const home = session ? homePath(session.roles) : "/";
  useEffect(() => {
    if (session && location.path === "/") navigate(home, { replace: true });
  }, [session, location.path, home]);
  if (!session) return <SignInPage />;

  const match = findRoute(location.path);
  let content;
  if (location.path === "/") content = null;
  else if (!match) content = <NotFoundPage />;
  else if (!match.route.allowed(session.roles)) content = <NotPermittedPage roles={session.roles} />;
  // Keyed by the full address: pages read their query once, so a new address gets a fresh page.
  else content = <match.route.page key={`${location.path}?${location.params}`} params={match.params} query={location.params} roles={session.roles} />;

  return (
    <div class="shell">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <p class="brand">Dealer Gateway <span class="brand-sub">Console</span></p>
        <div class="account">
          <span class="account-name">{session.username}</span>
          <span class="account-roles">{session.roles.map((role) => role.replace(/_/g, " ")).join(" · ")}</span>
          <button type="button" class="button button-quiet button-small" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <div class="layout">
        <Navigation roles={session.roles} path={location.path} />
        <main id="main" class="content" tabIndex={-1}>{content}</main>
      </div>
    </div>
  );
}
