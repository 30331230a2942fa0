import type { Problem } from "../api/problem";

/** What the gateway said went wrong: its title, its detail and each invalid field. */
export function ErrorNotice({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p class="notice-title">{problem.title ?? "The request failed"}</p>
      {problem.detail && <p>{problem.detail}</p>}
      {problem.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((error) => <li key={error.path + error.message}><code>{error.path}</code> {error.message}</li>)}
        </ul>
      )}
      {problem.requestId && <p class="muted small">Request id {problem.requestId}</p>}
    </div>
  );
}

export function SuccessNotice({ message }: { message: string | null }) {
  if (!message) return null;
  return <div class="notice notice-success" role="status">{message}</div>;
}
