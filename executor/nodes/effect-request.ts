/**
 * An external effect as data: what a payment, email or http node asks of the outside world once
 * its expressions are evaluated. One implementation performs it, whether the node runs in the
 * flow or its request waits in the outbox for the commit (executor/outbox/), so a delivered
 * refund is exactly the refund the flow would have made. A request holds no secret values: API
 * keys and SMTP URLs are named by secret and resolved at each attempt, and an after-commit http
 * header that reads secrets travels as its expression, evaluated at delivery.
 */
import { AttemptError } from "../errors/flow-error";
import type { ExternalServices } from "./external-services";
import { callHttp, classifyStatus, hostOf } from "../effects/http-call";
import { ChargeAlreadyRefunded } from "../effects/payments";

/** An effect that happened, as the audit record lists it. */
export interface RecordedEffect {
  node: string;
  kind: "charge" | "refund" | "email" | "http";
  id: string;
  amount?: number;
}

export type EffectRequest =
  | {
      kind: "charge";
      secret?: string;
      amount: number;
      currency: string;
      customer: string | null;
      idempotencyKey: string;
      description: string;
    }
  | { kind: "refund"; secret?: string; payment: string; amount?: number; idempotencyKey: string }
  /**
   * A compensation guard's refund (executor/outbox/, "guards"): the charge as the flow made it, sent
   * again with its own idempotency key — the provider answers with the charge it made (or makes it
   * now, if the first request never arrived) — then refunded in full with `refundKey`.
   */
  | { kind: "refundCharge"; charge: Extract<EffectRequest, { kind: "charge" }>; refundKey: string }
  | { kind: "email"; secret?: string; to: string; subject: string; body: string; messageId: string }
  | {
      kind: "http";
      method: string;
      url: string;
      headers: Record<string, string>;
      body?: string;
      /** Statuses that count as success; absent: any 2xx. */
      expect?: number[];
    };

/** What a performed effect leaves: the record for the audit trail, and the node's output as plain JSON. */
export interface EffectOutcome {
  effect: Omit<RecordedEffect, "node">;
  output: Record<string, unknown>;
}

/** One attempt of `request`, bounded by `timeoutMs`; failures are AttemptErrors classified for retry (or PaymentDeclined). */
export async function performEffect(services: ExternalServices, request: EffectRequest, timeoutMs: number): Promise<EffectOutcome> {
  switch (request.kind) {
    case "charge": {
      const { secret, kind, ...charge } = request;
      const payment = await services.payments(services.paymentsApiKey(secret)).charge(charge, timeoutMs);
      return { effect: { kind, id: payment.id, amount: payment.amount }, output: { ...payment } };
    }
    case "refund": {
      const { secret, kind, ...refund } = request;
      const payment = await services.payments(services.paymentsApiKey(secret)).refund(refund, timeoutMs);
      return { effect: { kind, id: payment.id, amount: payment.amount }, output: { ...payment } };
    }
    case "refundCharge": {
      const { secret, kind: _charge, ...charge } = request.charge;
      const client = services.payments(services.paymentsApiKey(secret));
      const payment = await client.charge(charge, timeoutMs);
      try {
        const refund = await client.refund({ payment: payment.id, idempotencyKey: request.refundKey }, timeoutMs);
        return { effect: { kind: "refund", id: refund.id, amount: refund.amount }, output: { ...refund } };
      } catch (error) {
        // Refunded already (a cancellation's refund got there first): the guard's work is done.
        if (error instanceof ChargeAlreadyRefunded)
          return { effect: { kind: "refund", id: payment.id, amount: 0 }, output: { alreadyRefunded: payment.id } };
        throw error;
      }
    }
    case "email": {
      const { secret, kind, ...mail } = request;
      const sent = await services.email(secret)({ ...mail, from: services.emailFrom }, timeoutMs);
      return { effect: { kind, id: sent.messageId }, output: { messageId: sent.messageId } };
    }
    case "http": {
      const target = services.routeHttp(request.url);
      const response = await callHttp({
        method: request.method,
        url: target.url,
        headers: { ...request.headers, ...target.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
        timeoutMs,
      });
      const expected = request.expect;
      const ok = expected ? expected.includes(response.status) : response.status >= 200 && response.status < 300;
      if (!ok)
        throw new AttemptError(
          `${request.method} ${hostOf(request.url)} answered ${response.status}${expected ? `, expected ${expected.join(" or ")}` : ""}`,
          classifyStatus(response.status),
        );
      return {
        effect: { kind: "http", id: `${request.method} ${hostOf(request.url)} ${response.status}` },
        output: { status: response.status, headers: response.headers, body: response.body },
      };
    }
  }
}
