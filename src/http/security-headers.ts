import type { RequestHandler } from "express";
import helmet from "helmet";

/** The headers helmet's defaults set on every answer: they depend on nothing in the request. */
function helmetHeaders(): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  helmet()({} as never, recorder as never, () => (done = true));
  // helmet's middleware runs synchronously; a version that did not would leave answers without headers.
  if (!done) throw new Error("helmet did not finish synchronously");
  return [...headers.entries()];
}

/**
 * helmet's security headers and `Cache-Control: no-store`, set in one step (helmet itself runs a
 * middleware per header on every request; its `X-Powered-By` removal is `app.disable("x-powered-by")`).
 * Nothing the gateway answers may be kept by a browser or a shared cache unless a route says so (the
 * JWKS does): customer records, audit exports and errors naming ids all pass through here.
 */
export function securityHeaders(): RequestHandler {
  const headers = [...helmetHeaders(), ["Cache-Control", "no-store"]] as const;
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
