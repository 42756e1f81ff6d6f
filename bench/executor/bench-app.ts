/**
 * The app under load: the reservations example with createReservation's confirmation email
 * left out (an SMTP round trip per booking would measure the mail server, not the executor), a
 * database per contender migrated and seeded alike, tokens, and the request bodies.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, type CryptoKey } from "jose";
import { insertStatement } from "../../compiler/schema/crud";
import { tableByEntity } from "../../compiler/schema/model";
import { migrateToSpecs } from "../../migrate/apply";
import type { Database } from "../../database/types";
import { compileSpecSet } from "../../build/compile-app";
import { manifestPlanHash, type AppManifest } from "../../executor/app/manifest";
import { applyExecutorMigrations } from "../../executor/store/executor-schema";
import { loadSpecDir, loadSpecObjects } from "../../loader/load";

export const ROOMS = 100;
/** The issuer and audience of the benches' bearer tokens (signed by the bench's own JWKS). */
export const BENCH_ISSUER = "https://issuer.bench";
export const BENCH_AUDIENCE = "https://reservations.bench";

/**
 * The executor's environment under load, as a deployment sets it (governed: FASCIA_PLAN_HASH),
 * with the bench's secrets and tokens; one caller sends everything, so its per-caller limit is off.
 */
export function benchExecutorEnv(o: {
  manifestFile: string;
  manifest: AppManifest;
  dbUrl: string;
  poolMax: number;
  jwksUrl: string;
}): Record<string, string> {
  return {
    FASCIA_APP_MANIFEST: o.manifestFile,
    FASCIA_PLAN_HASH: manifestPlanHash(o.manifest),
    FASCIA_DB_URL: o.dbUrl,
    FASCIA_DB_POOL_MAX: String(o.poolMax),
    FASCIA_AUTH_ISSUER: BENCH_ISSUER,
    FASCIA_AUTH_AUDIENCE: BENCH_AUDIENCE,
    FASCIA_AUTH_JWKS_URL: o.jwksUrl,
    FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "ops",
    FASCIA_SECRET_PAYMENTS_API_KEY: "sk_bench",
    FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: "whsec_bench",
    FASCIA_SMTP_URL: "smtp://127.0.0.1:9",
    FASCIA_RATE_LIMIT_PER_SECOND: "0",
  };
}
export const READER_RESERVATIONS = 10;

type ToolObject = {
  kind: string;
  name: string;
  acknowledge?: { node: string }[];
  flow: { nodes: { id: string }[]; edges?: { from: string; to: string }[] };
};

export function benchManifest(): AppManifest {
  const { specs } = loadSpecDir("examples/reservations");
  const objects = [...specs.entities.values(), ...specs.tools.values(), ...specs.policies.values()].map(
    (l) => structuredClone(l.spec) as unknown as ToolObject,
  );
  const create = objects.find((o) => o.kind === "Tool" && o.name === "createReservation");
  if (!create) throw new Error("examples/reservations has no createReservation tool");
  create.flow.nodes = create.flow.nodes.filter((n) => n.id !== "sendConfirmation");
  create.flow.edges = (create.flow.edges ?? []).filter((e) => e.to !== "sendConfirmation");
  create.acknowledge = (create.acknowledge ?? []).filter((a) => a.node !== "sendConfirmation");
  if (create.acknowledge.length === 0) delete create.acknowledge;
  const loaded = loadSpecObjects(objects, "examples/reservations (bench)");
  if (!loaded.ok) throw new Error(`the bench app does not load: ${loaded.diagnostics.map((d) => d.message).join("; ")}`);
  return compileSpecSet(loaded.specs, "examples/reservations (bench)");
}

export interface Seeded {
  writer: string;
  reader: string;
  rooms: string[];
}

/** Migrated like production (app + executor tables), one writer, one reader with a few stays, the rooms. */
export async function prepareDatabase(db: Database, manifest: AppManifest): Promise<Seeded> {
  const migrated = await migrateToSpecs(db, manifest.specs.entities);
  if (migrated.status !== "applied") throw new Error(`bench database: migration ${migrated.status}`);
  await applyExecutorMigrations(db);
  const seed = async (entity: string, row: Record<string, unknown>) => {
    const s = insertStatement(tableByEntity(manifest.schema, entity)!, row);
    return String((await db.query<{ id: string }>(s.text, s.values)).rows[0]!.id);
  };
  const writer = await seed("Customer", { name: "Writer", email: "writer@example.com" });
  const reader = await seed("Customer", { name: "Reader", email: "reader@example.com" });
  const rooms: string[] = [];
  for (let i = 0; i < ROOMS; i++) rooms.push(await seed("Room", { number: `R${i}`, capacity: 4, nightlyRate: "80.00", active: true }));
  for (let i = 0; i < READER_RESERVATIONS; i++) {
    await seed("Reservation", {
      customerId: reader,
      roomId: rooms[i]!,
      startDate: isoDay(DAY0 - 400 + i * 3),
      endDate: isoDay(DAY0 - 399 + i * 3),
      guests: 1,
      email: "reader@example.com",
      totalPrice: "80.00",
    });
  }
  return { writer, reader, rooms };
}

/** Bookings start here, far in the future: the example refuses a stay that starts in the past (DATE_IN_PAST). */
const DAY0 = Date.UTC(2036, 0, 1) / 86_400_000;

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Booking number n: its own room and night, so no two bookings of a run overlap. */
export function booking(seeded: Seeded, n: number): { key: string; body: string } {
  const day = DAY0 + 2 * Math.floor(n / seeded.rooms.length);
  const body = { roomId: seeded.rooms[n % seeded.rooms.length], startDate: isoDay(day), endDate: isoDay(day + 1), guests: 2 };
  return { key: `bench-${n}`, body: JSON.stringify(body) };
}

/** The JWKS the benches' bearer tokens are checked against, on loopback. */
export async function startJwks(publicKey: CryptoKey): Promise<{ url: string; server: Server }> {
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "ES256", use: "sig" };
  const server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, server };
}
