import { GatewayClient } from "./gateway-client";
import type { RequestStep, TokenVariable, WalkthroughStep } from "./walkthrough";

export interface StepOutcome {
  step: RequestStep;
  status: number;
  code?: string;
  body: unknown;
}

/** Carries out the walkthrough's requests the way the printed commands do, and reports what each answered. */
export async function runWalkthrough(baseUrl: string, steps: WalkthroughStep[]): Promise<StepOutcome[]> {
  const anonymous = new GatewayClient(baseUrl);
  const clients = new Map<TokenVariable, GatewayClient>();
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    if (step.kind === "token") {
      const via = step.via;
      clients.set(step.variable, via.type === "login" ? await anonymous.login(via.username, via.password) : await anonymous.dealerToken(via.clientId, via.clientSecret));
      continue;
    }
    const client = clients.get(step.token);
    if (!client) throw new Error(`step "${step.title}" uses $${step.token} before it is set`);
    const response = await client.send(step.method, step.path, step.body, step.headers);
    outcomes.push({ step, status: response.status, code: response.body?.code, body: response.body });
  }
  return outcomes;
}
