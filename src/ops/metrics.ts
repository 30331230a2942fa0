import type { RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export interface Metrics {
  registry: Registry;
  middleware: RequestHandler;
  webhooks: WebhookMetrics;
}

/** Dealer webhook deliveries (src/webhooks/), counted by the process that made the attempt. */
export interface WebhookMetrics {
  attempts: Counter<"outcome">;
  failures: Counter<"reason">;
  queueDepth: Gauge;
  latency: Histogram;
}

function webhookMetrics(registry: Registry): WebhookMetrics {
  return {
    attempts: new Counter({ name: "webhook_delivery_attempts_total", help: "Webhook delivery attempts by outcome (delivered, failed)", labelNames: ["outcome"], registers: [registry] }),
    failures: new Counter({ name: "webhook_delivery_failures_total", help: "Failed webhook delivery attempts by reason (status, timeout, refused, connection, disabled)", labelNames: ["reason"], registers: [registry] }),
    queueDepth: new Gauge({ name: "webhook_queue_depth", help: "Webhook deliveries waiting (pending), as last seen by this process", registers: [registry] }),
    latency: new Histogram({
      name: "webhook_delivery_latency_seconds", help: "From the feed event to its delivery's 2xx answer",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600], registers: [registry],
    }),
  };
}

/** One registry per app, so several gateways in one process (tests) keep separate counts. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requests = new Counter({ name: "http_requests_total", help: "HTTP requests by route and status", labelNames: ["method", "route", "status"], registers: [registry] });
  const middleware: RequestHandler = (req, res, next) => {
    const stop = duration.startTimer();
    res.on("finish", () => {
      // The matched route pattern, never the raw path: ids in paths would explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : "unmatched";
      const labels = { method: req.method, route, status: String(res.statusCode) };
      stop(labels);
      requests.inc(labels);
    });
    next();
  };
  return { registry, middleware, webhooks: webhookMetrics(registry) };
}
