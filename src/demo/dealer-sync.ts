import { GatewayClient } from "./gateway-client";

/**
 * What a dealer's integration does after its first sync: read its consent-events feed to the end and
 * acknowledge it, so the feed afterwards shows only new changes to act on.
 */
export async function acknowledgeFeed(baseUrl: string, credential: { clientId: string; clientSecret: string }): Promise<number> {
  const dealer = await new GatewayClient(baseUrl).dealerToken(credential.clientId, credential.clientSecret);
  let cursor: string | null = null;
  let lastId: string | undefined;
  let read = 0;
  do {
    const page: { items: { id: string }[]; nextCursor: string | null } =
      await dealer.call("GET", `/v1/consent-events?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, undefined, [200]);
    read += page.items.length;
    lastId = page.items.at(-1)?.id ?? lastId;
    cursor = page.nextCursor;
  } while (cursor);
  if (lastId) await dealer.call("POST", "/v1/consent-events/ack", { upTo: lastId }, [200]);
  return read;
}
