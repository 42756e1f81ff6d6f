/**
 * A walk through the example app against a running `fascia dev` (npm start in another terminal):
 * staff adds a room and a customer, the customer books, confirms (a charge), lists and cancels
 * (a refund); a signed payment-provider webhook cancels a second booking and is redelivered; the
 * nightly job runs. Each request is printed as the curl command that does the same.
 *
 *   npm run try                     # against http://127.0.0.1:8080
 *   npm run try -- http://127.0.0.1:9000
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadOrCreateLocalKeys, mintLocalToken } from "../executor/auth/local-keys";
import { signWebhook, SIGNATURE_HEADER } from "../executor/auth/webhook-signature";
import { DEV_SECRETS_FILE } from "../dev/dev-secrets";

export interface Step {
  name: string;
  status: number;
  body: unknown;
}

export async function tryReservations(
  baseUrl: string,
  appDir = "examples/reservations",
  log: (line: string) => void = console.log,
): Promise<Step[]> {
  const keys = await loadOrCreateLocalKeys(resolve(appDir));
  const staff = await mintLocalToken(keys, { sub: "front-desk", roles: ["staff"] });
  const steps: Step[] = [];

  const call = async (
    name: string,
    expect: number,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const raw = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (raw !== undefined) headers["content-type"] = "application/json";
    const shown = Object.entries(headers)
      .map(([k, v]) => ` -H '${k}: ${k === "authorization" ? "Bearer $TOKEN" : v}'`)
      .join("");
    log(`\n# ${name}\ncurl -s -X ${method} ${baseUrl}${path}${shown}${raw !== undefined ? ` -d '${raw}'` : ""}`);
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(raw !== undefined ? { body: raw } : {}) });
    const body: unknown = await response.json().catch(() => null);
    log(`→ ${response.status} ${JSON.stringify(body)}`);
    steps.push({ name, status: response.status, body });
    if (response.status !== expect) throw new Error(`${name}: expected ${expect}, got ${response.status} ${JSON.stringify(body)}`);
    return body as Record<string, unknown>;
  };

  // A fresh room each run, so repeated runs never collide on dates.
  const room = await call("staff adds a room", 200, "POST", "/rooms", {
    token: staff,
    body: { number: `R${randomUUID().slice(0, 6)}`, capacity: 2, nightlyRate: "99.50" },
  });
  const customer = await call("staff registers a customer", 200, "POST", "/customers", {
    token: staff,
    body: { name: "Ada Lovelace", email: "ada@example.com" },
  });
  const guest = await mintLocalToken(keys, { sub: String(customer.id), roles: ["customer"] });

  const stay = { roomId: room.id, startDate: "2036-06-01", endDate: "2036-06-04", guests: 2 };
  const booked = await call("the customer books three nights", 200, "POST", "/reservations", {
    token: guest,
    body: stay,
    headers: { "idempotency-key": randomUUID() },
  });
  await call("a stay starting on a day already over is refused (DATE_IN_PAST)", 422, "POST", "/reservations", {
    token: guest,
    body: { ...stay, startDate: "2020-01-01", endDate: "2020-01-03" },
    headers: { "idempotency-key": randomUUID() },
  });
  await call("…and confirms: the card is charged", 200, "POST", `/reservations/${String(booked.id)}/confirm`, {
    token: guest,
    headers: { "idempotency-key": randomUUID() },
  });
  await call("the customer lists their reservations", 200, "GET", "/reservations", { token: guest });
  await call("…and cancels: the charge is refunded", 200, "POST", `/reservations/${String(booked.id)}/cancel`, {
    token: guest,
    body: { reason: "plans changed" },
  });
  await call("a second booking for the same room", 200, "POST", "/reservations", {
    token: guest,
    body: { ...stay, startDate: "2036-07-01", endDate: "2036-07-03" },
    headers: { "idempotency-key": randomUUID() },
  }).then(async (second) => {
    const secrets = JSON.parse(readFileSync(join(appDir, ".fascia", DEV_SECRETS_FILE), "utf8")) as Record<string, string>;
    const event = JSON.stringify({
      id: `evt_${randomUUID().slice(0, 8)}`,
      type: "payment.failed",
      reservationId: second.id,
      paymentId: "pi_unknown",
    });
    const signature = signWebhook(secrets.PAYMENTS_WEBHOOK_SECRET!, event, Math.floor(Date.now() / 1000));
    await call("the payment provider reports a failed payment (signed webhook)", 200, "POST", "/webhooks/payments", {
      body: event,
      headers: { [SIGNATURE_HEADER]: signature },
    });
    await call("…and delivers the same event again: the stored answer is replayed", 200, "POST", "/webhooks/payments", {
      body: event,
      headers: { [SIGNATURE_HEADER]: signature },
    });
  });
  await call("the nightly job runs now (as its cron would)", 200, "POST", "/_dev/run/completeStays");
  log("\nAll steps answered as expected.");
  return steps;
}

if (require.main === module) {
  tryReservations(process.argv[2] ?? "http://127.0.0.1:8080").catch((error: unknown) => {
    console.error(`\n${(error as Error).message}\n(is \`npm start\` running in another terminal?)`);
    process.exit(1);
  });
}
