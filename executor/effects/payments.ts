/**
 * A client for a Stripe-compatible payments API: charges are PaymentIntents created and confirmed
 * at once, refunds are Refunds of a PaymentIntent. Every request carries an Idempotency-Key, so a
 * retried attempt can never charge twice.
 */
import { AttemptError } from "../errors/flow-error";
import { callHttp, classifyStatus } from "./http-call";

export interface PaymentsConfig {
  baseUrl: string;
  apiKey: string;
}

export interface Payment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  customer: string | null;
}

export interface ChargeRequest {
  amount: number;
  currency: string;
  customer?: string | null;
  idempotencyKey: string;
  description?: string;
}

export interface RefundRequest {
  payment: string;
  amount?: number;
  idempotencyKey: string;
}

export class PaymentDeclined extends Error {
  constructor(
    message: string,
    readonly declineCode: string,
  ) {
    super(message);
    this.name = "PaymentDeclined";
  }
}

/** Stripe's `charge_already_refunded`: nothing of the charge is left to refund. */
export class ChargeAlreadyRefunded extends AttemptError {
  constructor(message: string) {
    super(message, "permanent");
    this.name = "ChargeAlreadyRefunded";
  }
}

export function createPaymentsClient(config: PaymentsConfig) {
  const post = async (
    path: string,
    form: Record<string, string | number | undefined | null>,
    idempotencyKey: string,
    timeoutMs: number,
  ) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v !== undefined && v !== null) body.set(k, String(v));
    const result = await callHttp({
      method: "POST",
      url: `${config.baseUrl.replace(/\/$/, "")}${path}`,
      headers: {
        authorization: `Bearer ${config.apiKey}`,
        "content-type": "application/x-www-form-urlencoded",
        "idempotency-key": idempotencyKey,
      },
      body: body.toString(),
      timeoutMs,
    });
    if (result.status >= 200 && result.status < 300) return result.body as Record<string, unknown>;
    const error = (result.body as { error?: { message?: string; code?: string; decline_code?: string } } | undefined)?.error;
    if (result.status === 402)
      throw new PaymentDeclined(error?.message ?? "the payment was declined", error?.decline_code ?? error?.code ?? "declined");
    if (error?.code === "charge_already_refunded")
      throw new ChargeAlreadyRefunded(`payments API answered ${result.status}${error.message ? `: ${error.message}` : ""}`);
    throw new AttemptError(
      `payments API answered ${result.status}${error?.message ? `: ${error.message}` : ""}`,
      classifyStatus(result.status),
    );
  };
  return {
    async charge(request: ChargeRequest, timeoutMs: number): Promise<Payment> {
      const body = await post(
        "/v1/payment_intents",
        {
          amount: request.amount,
          currency: request.currency,
          customer: request.customer,
          confirm: "true",
          description: request.description,
        },
        request.idempotencyKey,
        timeoutMs,
      );
      return toPayment(body);
    },
    async refund(request: RefundRequest, timeoutMs: number): Promise<Payment> {
      const body = await post(
        "/v1/refunds",
        { payment_intent: request.payment, amount: request.amount },
        request.idempotencyKey,
        timeoutMs,
      );
      return toPayment(body);
    },
  };
}

export type PaymentsClient = ReturnType<typeof createPaymentsClient>;

function toPayment(body: Record<string, unknown>): Payment {
  return {
    id: String(body.id),
    status: String(body.status),
    amount: Number(body.amount),
    currency: String(body.currency ?? ""),
    customer: typeof body.customer === "string" ? body.customer : null,
  };
}
