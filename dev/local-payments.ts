/**
 * A local payments server speaking the subset of Stripe's API the executor uses. `fascia dev`
 * starts it so payment tools work offline, and tests use it as the real HTTP peer: it keeps
 * every charge and refund and behaves like Stripe where the executor's correctness depends on it:
 * - an Idempotency-Key replays the first response (same key and same request → the same object,
 *   with `Idempotent-Replayed: true`); the same key with another path or other parameters is a 400
 *   `idempotency_error`, as Stripe answers;
 * - refunds never exceed what was charged: a fully refunded charge answers 400
 *   `charge_already_refunded`, a refund above what is left answers 400 `amount_too_large`;
 * - every error has Stripe's shape `{ error: { type, code?, message, param? } }`.
 * It can be told to fail or stall the next requests.
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
  /** Forget the failures and stalls not yet used: the provider is healthy again. */
  clearFaults(): void;
  /** Requests received, including failed and replayed ones. */
  requestCount(): number;
  close(): Promise<void>;
}

export async function startLocalPayments(
  options: { apiKey?: string; port?: number; onEvent?: (line: string) => void } = {},
): Promise<LocalPayments> {
  const apiKey = options.apiKey ?? "sk_local_fascia";
  const records: RecordedPayment[] = [];
  /** Idempotency-Key → the first request (method, path, parameters) and the answer it got. */
  const byKey = new Map<string, { request: string; status: number; body: string }>();
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
    const form = new URLSearchParams(body);
    const request = `${req.method} ${req.url}\u0000${canonicalParams(form)}`;
    const replay = key ? byKey.get(key) : undefined;
    if (replay && replay.request !== request)
      return send(res, 400, {
        error: {
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        },
      });
    if (replay) {
      res.writeHead(replay.status, { "content-type": "application/json", "idempotent-replayed": "true" });
      return res.end(replay.body);
    }
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
        answer = {
          error: {
            type: "invalid_request_error",
            code: "parameter_invalid_integer",
            param: "amount",
            message: "amount must be a positive integer",
          },
        };
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
        answer = {
          error: {
            type: "invalid_request_error",
            code: "resource_missing",
            param: "payment_intent",
            message: `No such payment_intent: '${intent}'`,
          },
        };
      } else {
        const refunded = records.filter((r) => r.kind === "refund" && r.paymentIntent === intent).reduce((sum, r) => sum + r.amount, 0);
        const left = charge.amount - refunded;
        const requested = form.has("amount") ? Number(form.get("amount")) : left;
        const refusal = refundRefusal(intent, charge.amount, left, requested);
        if (refusal) {
          status = 400;
          answer = { error: refusal };
          const text = JSON.stringify(answer);
          if (key) byKey.set(key, { request, status, body: text });
          return send(res, status, answer);
        }
        const record: RecordedPayment = {
          id: `re_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
          kind: "refund",
          amount: requested,
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
    if (key && status < 500) byKey.set(key, { request, status, body: text });
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
    clearFaults: () => {
      failures.length = 0;
      stalls.length = 0;
    },
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Stripe's refusal of a refund, or undefined when `requested` may be refunded. */
function refundRefusal(intent: string, charged: number, left: number, requested: number): Record<string, string> | undefined {
  if (left <= 0)
    return { type: "invalid_request_error", code: "charge_already_refunded", message: `Charge ${intent} has already been refunded.` };
  if (!Number.isInteger(requested) || requested <= 0)
    return {
      type: "invalid_request_error",
      code: "parameter_invalid_integer",
      param: "amount",
      message: "amount must be a positive integer",
    };
  if (requested > left)
    return {
      type: "invalid_request_error",
      code: "amount_too_large",
      param: "amount",
      message: `Refund amount (${requested}) is greater than unrefunded amount on charge (${left} of ${charged}).`,
    };
  return undefined;
}

/** The request's form parameters in a stable order, so a replay compares parameters, not their order. */
function canonicalParams(form: URLSearchParams): string {
  return [...form.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
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
