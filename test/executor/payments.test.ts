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
