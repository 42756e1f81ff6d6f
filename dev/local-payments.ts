/**
 * A local payments server speaking the subset of Stripe's API the executor uses. `fascia dev`
 * starts it so payment tools work offline, and tests use it as the real HTTP peer: it keeps
 * every charge and refund, honours Idempotency-Key like Stripe (same key → same response), and
 * can be told to fail or stall the next requests.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedPayment {
  id: string;
  kind: "charge" | "refund";
  amount: number;
  currency: string;
  customer: string | null;
  paymentIntent?: string;
  idempotencyKey: string;
}

export interface LocalPayments {
  url: string;
  apiKey: string;
  charges(): RecordedPayment[];
  refunds(): RecordedPayment[];
  /** Answer the next `count` requests with `status` (e.g. 500, 402 for a decline). */
  failNext(count: number, status: number): void;
  /** Hold the next `count` requests for `ms` before answering. */
  stallNext(count: number, ms: number): void;
  /** Requests received, including failed and replayed ones. */
  requestCount(): number;
  close(): Promise<void>;
}

export async function startLocalPayments(
  options: { apiKey?: string; port?: number; onEvent?: (line: string) => void } = {},
): Promise<LocalPayments> {
  const apiKey = options.apiKey ?? "sk_local_fascia";
  const records: RecordedPayment[] = [];
  const byKey = new Map<string, { status: number; body: string }>();
  const failures: number[] = [];
  const stalls: number[] = [];
  let requests = 0;

  const server: Server = createServer(async (req, res) => {
    requests++;
    const body = await readBody(req);
    const stall = stalls.shift();
    if (stall) await new Promise((r) => setTimeout(r, stall));
    if (req.headers.authorization !== `Bearer ${apiKey}`)
      return send(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided" } });
    const failure = failures.shift();
    if (failure)
      return send(res, failure, {
        error:
          failure === 402
            ? { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." }
            : { type: "api_error", message: "simulated failure" },
      });
    const key = String(req.headers["idempotency-key"] ?? "");
    const cacheKey = `${req.url}\u0000${key}`;
    const replay = key ? byKey.get(cacheKey) : undefined;
    if (replay) {
      res.writeHead(replay.status, { "content-type": "application/json", "idempotent-replayed": "true" });
      return res.end(replay.body);
    }
    const form = new URLSearchParams(body);
    let status = 200;
    let answer: Record<string, unknown>;
    if (req.method === "POST" && req.url === "/v1/payment_intents") {
      const record: RecordedPayment = {
        id: `pi_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
        kind: "charge",
        amount: Number(form.get("amount")),
        currency: form.get("currency") ?? "",
        customer: form.get("customer"),
        idempotencyKey: key,
      };
      if (!Number.isInteger(record.amount) || record.amount <= 0) {
        status = 400;
        answer = { error: { type: "invalid_request_error", message: "amount must be a positive integer" } };
      } else {
        records.push(record);
        answer = {
          id: record.id,
          object: "payment_intent",
          status: "succeeded",
          amount: record.amount,
          currency: record.currency,
          customer: record.customer,
        };
        options.onEvent?.(`payments: charged ${record.amount} ${record.currency} (${record.id})`);
      }
    } else if (req.method === "POST" && req.url === "/v1/refunds") {
      const intent = form.get("payment_intent") ?? "";
      const charge = records.find((r) => r.kind === "charge" && r.id === intent);
      if (!charge) {
        status = 404;
        answer = { error: { type: "invalid_request_error", message: `No such payment_intent: '${intent}'` } };
      } else {
        const record: RecordedPayment = {
          id: `re_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
          kind: "refund",
          amount: Number(form.get("amount") ?? charge.amount),
          currency: charge.currency,
          customer: charge.customer,
          paymentIntent: intent,
          idempotencyKey: key,
        };
        records.push(record);
        answer = {
          id: record.id,
          object: "refund",
          status: "succeeded",
          amount: record.amount,
          currency: record.currency,
          payment_intent: intent,
        };
        options.onEvent?.(`payments: refunded ${record.amount} ${record.currency} of ${intent}`);
      }
    } else {
      return send(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${req.url})` } });
    }
    const text = JSON.stringify(answer);
    if (key && status < 500) byKey.set(cacheKey, { status, body: text });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    charges: () => records.filter((r) => r.kind === "charge"),
    refunds: () => records.filter((r) => r.kind === "refund"),
    failNext: (count, status) => failures.push(...Array<number>(count).fill(status)),
    stallNext: (count, ms) => stalls.push(...Array<number>(count).fill(ms)),
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
