import type { RequestStep, TokenStep, WalkthroughStep } from "./walkthrough";

/** Marks each response's status so the reader can compare it with the expected one. */
export const STATUS_MARKER = "-> HTTP ";
const EXTRACT_TOKEN = `node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token'`;

/** Quotes a word for POSIX shells. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function tokenCommand(baseUrl: string, step: TokenStep): string {
  const via = step.via;
  const fetchToken = via.type === "client_secret_basic"
    ? `curl -s -u ${shellQuote(`${via.clientId}:${via.clientSecret}`)} -d grant_type=client_credentials ${baseUrl}/oauth/token`
    : `curl -s -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify({ username: via.username, password: via.password }))} ${baseUrl}/v1/auth/login`;
  return `${step.variable}=$(${fetchToken} | ${EXTRACT_TOKEN})`;
}

function requestCommand(baseUrl: string, step: RequestStep): string {
  const parts = ["curl -sS", `-w '\\n${STATUS_MARKER}%{http_code}\\n'`];
  if (step.method !== "GET") parts.push(`-X ${step.method}`);
  parts.push(`-H "Authorization: Bearer $${step.token}"`);
  for (const [name, value] of Object.entries(step.headers ?? {})) parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  if (step.body) parts.push("-H 'Content-Type: application/json'", `-d ${shellQuote(JSON.stringify(step.body))}`);
  parts.push(shellQuote(baseUrl + step.path));
  return parts.join(" ");
}

export function commandOf(baseUrl: string, step: WalkthroughStep): string {
  return step.kind === "token" ? tokenCommand(baseUrl, step) : requestCommand(baseUrl, step);
}

export function expectationOf(step: WalkthroughStep): string {
  if (step.kind === "token") return "";
  return `expect ${step.expect.status}${step.expect.code ? ` ${step.expect.code}` : ""}`;
}

/** The walkthrough as numbered, ready-to-paste shell commands. */
export function renderWalkthrough(baseUrl: string, steps: WalkthroughStep[]): string {
  return steps
    .map((step, index) => {
      const expectation = expectationOf(step);
      return `# ${index + 1}. ${step.title}${expectation ? `  [${expectation}]` : ""}\n${commandOf(baseUrl, step)}\n`;
    })
    .join("\n");
}
