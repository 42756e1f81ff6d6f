import { startLocalPayments, type LocalPayments } from "../../dev/local-payments";
import { createPaymentsClient, PaymentDeclined } from "../../executor/effects/payments";
import { backoffFrom, withRetries } from "../../executor/effects/backoff";
import { AttemptError } from "../../executor/errors/flow-error";

describe("payments client against the local Stripe-compatible server", () => {
  let server: LocalPayments;
  beforeEach(async () => (server = await startLocalPayments()));
  afterEach(() => server.close());
  const client = () => createPaymentsClient({ baseUrl: server.url, apiKey: server.apiKey });

  it("charges and refunds, sending the idempotency key", async () => {
    const charge = await client().charge({ amount: 29750, currency: "eur", customer: "c1", idempotencyKey: "inv-1:charge" }, 2000);
    expect(charge).toMatchObject({ status: "succeeded", amount: 29750, currency: "eur", customer: "c1" });
    const refund = await client().refund({ payment: charge.id, idempotencyKey: "inv-2:refund" }, 2000);
    expect(refund.amount).toBe(29750);
    expect(server.charges()).toHaveLength(1);
    expect(server.refunds().map((r) => r.paymentIntent)).toEqual([charge.id]);
  });

  it("a retried attempt with the same key charges once", async () => {
    server.failNext(2, 503);
    const backoff = backoffFrom({ maxAttempts: 3, initialInterval: "10ms", backoffCoefficient: 2 });
    const attempts: number[] = [];
    const payment = await withRetries(backoff, Date.now() + 5000, (n) => {
      attempts.push(n);
      return client().charge({ amount: 100, currency: "eur", idempotencyKey: "inv-3:charge" }, 1000);
    });
    expect(attempts).toEqual([1, 2, 3]);
    // A client that lost the answer and asks again gets the same payment, not a second one.
    const again = await client().charge({ amount: 100, currency: "eur", idempotencyKey: "inv-3:charge" }, 1000);
    expect(again.id).toBe(payment.id);
    expect(server.charges()).toHaveLength(1);
  });

  it("does not retry a decline, and classifies a stall as a timeout", async () => {
    server.failNext(1, 402);
    await expect(client().charge({ amount: 100, currency: "eur", idempotencyKey: "k-decline" }, 1000)).rejects.toBeInstanceOf(
      PaymentDeclined,
    );
    server.stallNext(1, 300);
    const error = await client()
      .charge({ amount: 100, currency: "eur", idempotencyKey: "k-slow" }, 50)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttemptError);
    expect((error as AttemptError).failure).toBe("timeout");
  });

  it("stops retrying when the next delay would pass the deadline", async () => {
    server.failNext(5, 500);
    const backoff = backoffFrom({ maxAttempts: 5, initialInterval: "200ms" });
    let attempts = 0;
    await expect(
      withRetries(backoff, Date.now() + 150, () => {
        attempts++;
        return client().charge({ amount: 1, currency: "eur", idempotencyKey: "k-deadline" }, 100);
      }),
    ).rejects.toBeInstanceOf(AttemptError);
    expect(attempts).toBe(1);
  });
});

describe("the local payments server behaves like Stripe where it matters", () => {
  let server: LocalPayments;
  beforeEach(async () => (server = await startLocalPayments()));
  afterEach(() => server.close());

  /** A raw form POST over loopback, as Stripe's API takes it. */
  const post = async (path: string, params: Record<string, string>, key?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.apiKey}`,
        "content-type": "application/x-www-form-urlencoded",
        ...(key ? { "idempotency-key": key } : {}),
      },
      body: new URLSearchParams(params).toString(),
    });
    return {
      status: response.status,
      replayed: response.headers.get("idempotent-replayed"),
      body: (await response.json()) as { id?: string; amount?: number; error?: Record<string, string> },
    };
  };
  const charge = (amount: number, key?: string) => post("/v1/payment_intents", { amount: String(amount), currency: "eur" }, key);

  it("refuses a second full refund with charge_already_refunded, and a refund above what is left with amount_too_large", async () => {
    const paid = await charge(1200);
    const intent = paid.body.id!;
    expect((await post("/v1/refunds", { payment_intent: intent, amount: "500" })).body.amount).toBe(500);
    const tooLarge = await post("/v1/refunds", { payment_intent: intent, amount: "701" });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body).toEqual({
      error: {
        type: "invalid_request_error",
        code: "amount_too_large",
        param: "amount",
        message: expect.stringContaining("700") as string,
      },
    });
    // Without an amount, the rest is refunded; after that nothing is left to refund.
    expect((await post("/v1/refunds", { payment_intent: intent })).body.amount).toBe(700);
    const again = await post("/v1/refunds", { payment_intent: intent });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error: { type: "invalid_request_error", code: "charge_already_refunded", message: expect.stringContaining(intent) as string },
    });
    expect(server.refunds().reduce((sum, r) => sum + r.amount, 0)).toBe(1200);
  });

  it("the payments client surfaces a refused refund as a failure naming Stripe's message", async () => {
    const client = createPaymentsClient({ baseUrl: server.url, apiKey: server.apiKey });
    const paid = await client.charge({ amount: 1200, currency: "eur", idempotencyKey: "c-1" }, 2000);
    await client.refund({ payment: paid.id, idempotencyKey: "r-1" }, 2000);
    const error = await client.refund({ payment: paid.id, idempotencyKey: "r-2" }, 2000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AttemptError);
    expect((error as Error).message).toMatch(/answered 400: Charge .* has already been refunded/);
    expect(server.refunds()).toHaveLength(1);
  });

  it("an idempotency key replays the first response; the same key with other parameters is a 400 idempotency_error", async () => {
    const first = await charge(1200, "key-1");
    const replay = await charge(1200, "key-1");
    expect(replay).toEqual({ status: 200, replayed: "true", body: first.body });
    expect(server.charges()).toHaveLength(1);

    const refund = await post("/v1/refunds", { payment_intent: first.body.id! }, "refund-1");
    const refundReplay = await post("/v1/refunds", { payment_intent: first.body.id! }, "refund-1");
    expect(refundReplay.body).toEqual(refund.body);
    expect(server.refunds()).toHaveLength(1);

    const otherAmount = await charge(1300, "key-1");
    expect(otherAmount.status).toBe(400);
    expect(otherAmount.body.error).toMatchObject({ type: "idempotency_error", message: expect.stringContaining("key-1") as string });
    // A key is one request whatever the path: reusing a charge's key for a refund is refused too.
    const otherPath = await post("/v1/refunds", { payment_intent: first.body.id! }, "key-1");
    expect(otherPath.status).toBe(400);
    expect(otherPath.body.error!.type).toBe("idempotency_error");
    expect(server.charges()).toHaveLength(1);
    expect(server.refunds()).toHaveLength(1);
  });

  it("a refused refund replays its refusal under the same key", async () => {
    const paid = await charge(100);
    const refused = await post("/v1/refunds", { payment_intent: paid.body.id!, amount: "101" }, "big");
    const replayed = await post("/v1/refunds", { payment_intent: paid.body.id!, amount: "101" }, "big");
    expect(replayed).toEqual({ ...refused, replayed: "true" });
    expect(refused.body.error!.code).toBe("amount_too_large");
  });

  it("every error has Stripe's shape", async () => {
    const unknownIntent = await post("/v1/refunds", { payment_intent: "pi_nope" });
    expect(unknownIntent).toMatchObject({
      status: 404,
      body: { error: { type: "invalid_request_error", code: "resource_missing", param: "payment_intent" } },
    });
    const badAmount = await charge(0);
    expect(badAmount).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error", code: "parameter_invalid_integer" } } });
    const unauthorized = await fetch(`${server.url}/v1/payment_intents`, { method: "POST", body: "amount=1" });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.any(String) as string } });
    server.failNext(1, 402);
    expect(await charge(100)).toMatchObject({ status: 402, body: { error: { type: "card_error", code: "card_declined" } } });
  });
});
