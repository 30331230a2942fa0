import { useEffect, useState } from "preact/hooks";
import { LanguageSwitcher } from "../i18n/language-switcher";
import type { Locale } from "../i18n/locale";
import { t } from "../i18n/translate";
import { anyKeptDraft } from "../session/kept-drafts";
import { signIn } from "../session/sign-in";
import { lastSessionEnd } from "../session/session-store";
import { Button } from "../ui/button";
import { ErrorNotice } from "../ui/error-notice";
import { TextField } from "../ui/fields";
import { useAction } from "../ui/use-resource";

export function SignInPage({ locale }: { locale: Locale }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction();
  const ended = lastSessionEnd();
  useEffect(() => {
    document.title = `${t("signIn.title")} · ${t("app.brand")}`;
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => signIn(username.trim(), password)).then((ok) => ok || setPassword(""));
  };
  return (
    <main class="sign-in">
      <div class="sign-in-card">
        <p class="brand">{t("app.brand")} <span class="brand-sub">{t("app.console")}</span></p>
        <h1>{t("signIn.title")}</h1>
        <p class="intro">{t("signIn.intro")}</p>
        {ended === "expired" && !action.problem && (
          <div class="notice" role="status">{t("signIn.expired")}{anyKeptDraft() && <> {t("signIn.restored")}</>}</div>
        )}
        <form onSubmit={submit} noValidate={false}>
          <TextField label={t("signIn.username")} value={username} onInput={setUsername} autocomplete="username" required name="username" />
          <TextField label={t("signIn.password")} type="password" value={password} onInput={setPassword} autocomplete="current-password" required name="password" />
          <ErrorNotice problem={action.problem} />
          <div class="actions">
            <Button type="submit" variant="primary" busy={action.busy}>{t("signIn.submit")}</Button>
          </div>
        </form>
        {/* After the form: the first key press of a returning user lands in the username. */}
        <div class="sign-in-language"><LanguageSwitcher locale={locale} /></div>
      </div>
    </main>
  );
}
