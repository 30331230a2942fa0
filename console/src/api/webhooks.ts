import { del, get, post, put } from "./http";
import { ApiError } from "./problem";

export interface WebhookState {
  url: string;
  status: "active" | "failing" | "disabled";
  lastDeliveryAt?: string;
  lastFailure?: { at: string; error: string };
  pending: number;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  type: string;
  status: "pending" | "delivered" | "abandoned";
  attempts: number;
  queuedAt: string;
  nextAttemptAt?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  lastStatus?: number;
  lastError?: string;
  lastResponse?: string;
}

const webhookPath = (dealerId: string) => `/v1/admin/dealers/${encodeURIComponent(dealerId)}/webhook`;

/** The dealer's webhook, or null when it has none (the API's 404). */
export async function getWebhook(dealerId: string): Promise<WebhookState | null> {
  try {
    return await get<WebhookState>(webhookPath(dealerId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export const putWebhook = (dealerId: string, url: string) => put<{ url: string; secret: string }>(webhookPath(dealerId), { url });
export const deleteWebhook = (dealerId: string) => del(webhookPath(dealerId));
export const listDeliveries = (dealerId: string) => get<{ items: WebhookDelivery[] }>(`${webhookPath(dealerId)}/deliveries?limit=20`);
export const replayDelivery = (dealerId: string, deliveryId: string) =>
  post<WebhookDelivery>(`${webhookPath(dealerId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`);
