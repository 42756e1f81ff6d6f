/**
 * The example's walk-through (scripts/try-reservations.ts) as a client written against the app's
 * OpenAPI document: `./api.js` is what openapi-typescript generated from it, and openapi-fetch
 * checks every path, parameter, body and response against it at compile time. The test copies
 * this file next to the generated types, type-checks both with tsc, then runs it against
 * `fascia dev` (test/openapi/client.test.ts). It knows nothing of Fascia: it signs its own tokens
 * with the dev signing key and its own webhook signature, as a real client and provider would.
 */
import { createHmac, randomUUID } from "node:crypto";
import { importJWK, SignJWT, type JWK } from "jose";
import createClient from "openapi-fetch";
import type { paths } from "./api.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const key = await importJWK(JSON.parse(env("FASCIA_DEV_KEY")) as JWK, "ES256");
const token = (sub: string, roles: string[]) =>
  new SignJWT({ roles })
    .setProtectedHeader({ alg: "ES256", kid: env("FASCIA_DEV_KID") })
    .setSubject(sub)
    .setIssuer("fascia-local")
    .setAudience("fascia-local")
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key);
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

const client = createClient<paths>({ baseUrl: env("BASE_URL") });
const steps: string[] = [];
function step<T>(name: string, result: { data?: T; error?: unknown; response: Response }, expected = 200): T {
  steps.push(`${name}: ${result.response.status}`);
  if (result.response.status !== expected) throw new Error(`${name}: expected ${expected}, got ${result.response.status} ${JSON.stringify(result.error)}`);
  return result.data as T;
}

const staff = await token("front-desk", ["staff"]);
const room = step(
  "staff adds a room",
  await client.POST("/rooms", { headers: bearer(staff), body: { number: `R${randomUUID().slice(0, 6)}`, capacity: 2, nightlyRate: "99.50" } }),
);
const customer = step(
  "staff registers a customer",
  await client.POST("/customers", { headers: bearer(staff), body: { name: "Ada Lovelace", email: "ada@example.com" } }),
);
const guest = await token(String(customer.id), ["customer"]);

const stay = { roomId: String(room.id), startDate: "2036-06-01", endDate: "2036-06-04", guests: 2 };
const booked = step(
  "the customer books three nights",
  await client.POST("/reservations", { params: { header: { "Idempotency-Key": randomUUID() } }, headers: bearer(guest), body: stay }),
);
const past = await client.POST("/reservations", {
  params: { header: { "Idempotency-Key": randomUUID() } },
  headers: bearer(guest),
  body: { ...stay, startDate: "2020-01-01", endDate: "2020-01-03" },
});
step("a stay starting on a day already over is refused", past, 422);
// The 422's code is typed: the tool's declared DATE_IN_PAST among the catalogue's codes at 422.
const refusedCode: string | undefined = past.error?.error.code;
if (refusedCode !== "DATE_IN_PAST") throw new Error(`expected DATE_IN_PAST, got ${refusedCode}`);

const reservationId = String(booked.id);
step(
  "…and confirms: the card is charged",
  await client.POST("/reservations/{reservationId}/confirm", {
    params: { path: { reservationId }, header: { "Idempotency-Key": randomUUID() } },
    headers: bearer(guest),
  }),
);
const listed = step("the customer lists their reservations", await client.GET("/reservations", { params: { query: { status: "confirmed" } }, headers: bearer(guest) }));
if (!JSON.stringify(listed).includes(reservationId)) throw new Error("the confirmed reservation is not listed");
const cancelled = step(
  "…and cancels: the charge is refunded",
  await client.POST("/reservations/{reservationId}/cancel", {
    params: { path: { reservationId } },
    headers: bearer(guest),
    body: { reason: "plans changed" },
  }),
);
if (cancelled.status !== "cancelled" || cancelled.refunded !== true) throw new Error(`not refunded: ${JSON.stringify(cancelled)}`);

const second = step(
  "a second booking for the same room",
  await client.POST("/reservations", {
    params: { header: { "Idempotency-Key": randomUUID() } },
    headers: bearer(guest),
    body: { ...stay, startDate: "2036-07-01", endDate: "2036-07-03" },
  }),
);
const event = {
  id: `evt_${randomUUID().slice(0, 8)}`,
  type: "payment.failed" as const,
  reservationId: String(second.id),
  paymentId: "pi_unknown",
};
// openapi-fetch sends JSON.stringify(body): the signature is over exactly those bytes.
const t = Math.floor(Date.now() / 1000);
const signature = `t=${t},v1=${createHmac("sha256", env("WEBHOOK_SECRET")).update(`${t}.${JSON.stringify(event)}`).digest("hex")}`;
step("the payment provider reports a failed payment", await client.POST("/webhooks/payments", { headers: { "Fascia-Signature": signature }, body: event }));
const again = await client.POST("/webhooks/payments", { headers: { "Fascia-Signature": signature }, body: event });
step("…and delivers the same event again", again);
if (again.response.headers.get("idempotent-replayed") !== "true") throw new Error("the second delivery was not replayed");

console.log(JSON.stringify({ steps }));
