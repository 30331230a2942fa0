import { useEffect, useState } from "preact/hooks";
import { signIn } from "../session/sign-in";
import { lastSessionEnd } from "../session/session-store";
import { Button } from "../ui/button";
import { ErrorNotice } from "../ui/error-notice";
import { TextField } from "../ui/fields";
import { useAction } from "../ui/use-resource";

export function SignInPage() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction();
  const ended = lastSessionEnd();
  useEffect(() => {
    document.title = "Sign in · Dealer Gateway";
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(() => signIn(username.trim(), password)).then((ok) => ok || setPassword(""));
  };
  return (
    <main class="sign-in">
      <div class="sign-in-card">
        <p class="brand">Dealer Gateway <span class="brand-sub">Console</span></p>
        <h1>Sign in</h1>
        <p class="intro">For CRM administrators and compliance officers.</p>
        {ended === "expired" && !action.problem && <div class="notice" role="status">Your session has ended. Please sign in again.</div>}
        <form onSubmit={submit} noValidate={false}>
          <TextField label="Username" value={username} onInput={setUsername} autocomplete="username" required name="username" />
          <TextField label="Password" type="password" value={password} onInput={setPassword} autocomplete="current-password" required name="password" />
          <ErrorNotice problem={action.problem} />
          <div class="actions">
            <Button type="submit" variant="primary" busy={action.busy}>Sign in</Button>
          </div>
        </form>
      </div>
    </main>
  );
}
