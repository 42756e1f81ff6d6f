/**
 * The example app (examples/reservations) served by a real executor for tests: a fresh database
 * (PostgreSQL or PGlite) migrated to its entities, the executor's own tables, the local payments
 * server and mail catcher as its peers, a loopback ops endpoint for the nightly job's http node,
 * a signing key for bearer tokens and a loopback JWKS playing Google's for scheduler tokens.
 * Requests go through fastify's inject(); nothing is mocked.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { insertStatement } from "../../../compiler/schema/crud";
import { tableByEntity } from "../../../compiler/schema/model";
import { migrateToSpecs } from "../../../migrate/apply";
import { openPg } from "../../../database/pg-driver";
import type { Database, DriverName } from "../../../database/types";
import { compileSpecSet } from "../../../build/compile-app";
import type { AppManifest } from "../../../executor/app/manifest";
import type { AuditBody as AuditRecordBody } from "../../../executor/audit/audit-chain";
import { signWebhook } from "../../../executor/auth/webhook-signature";
import { startLocalMail, type LocalMail } from "../../../dev/local-mail";
import { startLocalPayments, type LocalPayments } from "../../../dev/local-payments";
import { createLogger } from "../../../executor/observability/logger";
import { loadSecrets } from "../../../executor/secrets";
import { buildServer, type ExecutorServer, type ServerOptions } from "../../../executor/server/build-server";
import { applyExecutorMigrations } from "../../../executor/store/executor-schema";
import { loadSpecDir, loadSpecObjects } from "../../../loader/load";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { serveJwks } from "../../support/jwks-server";

export const ISSUER = "https://issuer.test";
export const AUDIENCE = "https://reservations.test";
export const SERVICE_HOST = "reservations-abc-ew.a.run.app";
export const SCHEDULER_ACCOUNT = "scheduler@proj.iam.gserviceaccount.com";
export const WEBHOOK_SECRET = "whsec_test_secret";

type SpecObject = { kind: string; name: string; timeout?: string; flow?: { nodes: { id: string; url?: string }[] } } & Record<
  string,
  unknown
>;

/** The example app's spec objects, the nightly job's ops webhook pointed at `opsUrl`. */
export function exampleObjects(opsUrl = "http://127.0.0.1:9/hooks/nightly"): SpecObject[] {
  const { specs } = loadSpecDir("examples/reservations");
  const objects = [...specs.entities.values(), ...specs.tools.values(), ...specs.policies.values()].map(
    (l) => structuredClone(l.spec) as SpecObject,
  );
  const nightly = objects.find((o) => o.kind === "Tool" && o.name === "completeStays")!;
  nightly.flow!.nodes.find((n) => n.id === "notifyOps")!.url = `'${opsUrl}'`;
  return objects;
}

export function manifestOf(objects: readonly unknown[], label = "test specs"): AppManifest {
  const loaded = loadSpecObjects(objects, label);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`).join("\n"));
  return compileSpecSet(loaded.specs, label);
}

export function exampleManifest(opsUrl?: string): AppManifest {
  return manifestOf(exampleObjects(opsUrl), "examples/reservations");
}

export interface OpsEndpoint {
  url: string;
  received: { headers: IncomingMessage["headers"]; body: string }[];
  /** Status of the next answers (default 200). */
  answer: number[];
  close(): Promise<void>;
}

async function startOps(): Promise<OpsEndpoint> {
  const received: OpsEndpoint["received"] = [];
  const answer: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answer.shift() ?? 200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/nightly`,
    received,
    answer,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface Harness {
  readonly test: TestDatabase;
  readonly server: ExecutorServer;
  readonly payments: LocalPayments;
  readonly mail: LocalMail;
  readonly ops: OpsEndpoint;
  token(sub: string, roles: string[], options?: { expiresIn?: string | number; audience?: string }): Promise<string>;
  schedulerToken(options?: { audience?: string; email?: string }): Promise<string>;
  /** Headers for a signed webhook delivery of `body`. */
  signed(body: string, at?: number): Record<string, string>;
  seed(entity: string, row: Record<string, unknown>): Promise<string>;
  seedCustomer(name?: string): Promise<string>;
  seedRoom(number: string, options?: { capacity?: number; nightlyRate?: string; active?: boolean }): Promise<string>;
  count(table: string): Promise<number>;
  rows(table: string): Promise<Record<string, unknown>[]>;
  /** Every app table's rows, and the idempotency keys: compare before and after a refused request. */
  snapshot(): Promise<Record<string, unknown[]>>;
  /** Another executor instance on the same database and peers (a second Cloud Run instance, or one after a restart); the test closes it. */
  anotherInstance(more?: Partial<ServerOptions>): Promise<ExecutorServer>;
  /** The audit records of invocations in chain order (outbox deliveries, appended in the background, left out). */
  audit(): Promise<AuditRecordBody[]>;
  /** The audit records of outbox deliveries, in chain order. */
  deliveries(): Promise<AuditRecordBody[]>;
  /** Waits until the outbox holds nothing pending and no guard is due (every effect delivered or failed); its rows. */
  outboxSettled(timeoutMs?: number): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Another app than the example (its secrets must be among the example's three). */
  manifest?: (opsUrl: string) => AppManifest;
  server?: Partial<ServerOptions>;
  /** PostgreSQL only: the executor gets a pool of its own of this size (the test's pool has 4). */
  poolSize?: number;
  /** PostgreSQL only: the executor's own pool opens this URL instead (a proxy in front of the server, another user). */
  dbUrl?: (url: string) => string;
  /** After the migrations, before the executor starts: what the migration job does next (grants). */
  afterMigrate?: (test: TestDatabase) => Promise<void>;
}

export async function startHarness(driver: DriverName, options: HarnessOptions = {}): Promise<Harness> {
  const overrides = options.server ?? {};
  const test = await createTestDatabase(driver);
  const ops = await startOps();
  const manifest = (options.manifest ?? exampleManifest)(ops.url);
  const migrated = await migrateToSpecs(test.db, manifest.specs.entities);
  if (migrated.status !== "applied") throw new Error(`migration ${migrated.status}`);
  await applyExecutorMigrations(test.db);
  await options.afterMigrate?.(test);
  const payments = await startLocalPayments();
  const mail = await startLocalMail();
  const userKeys = await generateKeyPair("ES256");
  const googleKeys = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(googleKeys.publicKey)), kid: "g1", alg: "RS256", use: "sig" };
  const jwks = await serveJwks([jwk]);
  const jwksUrl = jwks.url;
  const env = {
    FASCIA_SECRET_PAYMENTS_API_KEY: payments.apiKey,
    FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    FASCIA_SECRET_OPS_WEBHOOK_TOKEN: "ops-token",
  };
  const ownPool = (options.poolSize || options.dbUrl) && test.driver === "pg";
  const serverDb = ownPool ? openPg(options.dbUrl ? options.dbUrl(test.url) : test.url, { max: options.poolSize ?? 4 }) : test.db;
  // As startExecutor does on PostgreSQL: a side pool for the compensation guards.
  const sideDb = test.driver === "pg" ? openPg(options.dbUrl ? options.dbUrl(test.url) : test.url, { max: 2 }) : undefined;
  const serverOptions = (db: Database, more: Partial<ServerOptions> = {}): ServerOptions => ({
    app: manifest,
    ...(sideDb ? { sideDb } : {}),
    db,
    auth: { issuer: ISSUER, audience: AUDIENCE, keys: { publicKey: userKeys.publicKey } },
    scheduler: { serviceAccountEmail: SCHEDULER_ACCOUNT, audience: `https://${SERVICE_HOST}`, jwksUrl },
    secrets: loadSecrets(["OPS_WEBHOOK_TOKEN", "PAYMENTS_API_KEY", "PAYMENTS_WEBHOOK_SECRET"], env),
    payments: { baseUrl: payments.url },
    email: { smtpUrl: mail.url, from: "hotel@example.com" },
    rateLimit: false,
    // Tests send many refused requests from one address; test/executor/refusals.test.ts turns it on.
    unauthenticatedRateLimit: false,
    logger: silentLogger(),
    ...overrides,
    ...more,
  });
  const server = buildServer(serverOptions(serverDb));
  await server.ready();
  const sign = (key: CryptoKey, alg: string, kid: string) => (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg, kid });
  const table = (entity: string) => tableByEntity(manifest.schema, entity)!;
  const auditRecords = async (): Promise<AuditRecordBody[]> => {
    const { rows } = await test.db.query<{ body: AuditRecordBody }>(`SELECT "body" FROM "fascia_audit" ORDER BY "seq"`);
    return rows.map((r) => (typeof r.body === "string" ? JSON.parse(r.body) : r.body) as AuditRecordBody);
  };
  const seed = async (entity: string, row: Record<string, unknown>) => {
    const s = insertStatement(table(entity), row);
    return String((await test.db.query<{ id: string }>(s.text, s.values)).rows[0]!.id);
  };
  return {
    test,
    server,
    payments,
    mail,
    ops,
    token: (sub, roles, options = {}) =>
      sign(
        userKeys.privateKey,
        "ES256",
        "u1",
      )({ roles })
        .setSubject(sub)
        .setIssuer(ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "5m")
        .sign(userKeys.privateKey),
    schedulerToken: (options = {}) =>
      sign(
        googleKeys.privateKey,
        "RS256",
        "g1",
      )({ email: options.email ?? SCHEDULER_ACCOUNT, email_verified: true })
        .setIssuer("https://accounts.google.com")
        .setAudience(options.audience ?? `https://${SERVICE_HOST}`)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(googleKeys.privateKey),
    signed: (body, at = Math.floor(Date.now() / 1000)) => ({
      "fascia-signature": signWebhook(WEBHOOK_SECRET, body, at),
      "content-type": "application/json",
    }),
    seed,
    seedCustomer: (name = "Ada") =>
      seed("Customer", { name, email: `${name.toLowerCase()}.${Math.random().toString(36).slice(2)}@example.com` }),
    seedRoom: (number, o = {}) =>
      seed("Room", { number, capacity: o.capacity ?? 2, nightlyRate: o.nightlyRate ?? "99.50", active: o.active ?? true }),
    async count(name) {
      const { rows } = await test.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`);
      return Number(rows[0]!.n);
    },
    async rows(name) {
      return (await test.db.query(`SELECT * FROM "${name}" ORDER BY 1`)).rows;
    },
    async snapshot() {
      const out: Record<string, unknown[]> = {};
      for (const t of manifest.schema.tables) out[t.name] = (await test.db.query(`SELECT * FROM "${t.name}" ORDER BY "id"`)).rows;
      out.fascia_idempotency = (
        await test.db.query(`SELECT "tool", "caller_id", "key", "state", "response_status" FROM "fascia_idempotency" ORDER BY 1, 2, 3`)
      ).rows;
      return out;
    },
    async audit() {
      return (await auditRecords()).filter((r) => r.trigger !== "outbox");
    },
    async anotherInstance(more = {}) {
      const other = buildServer(serverOptions(serverDb, more));
      await other.ready();
      return other;
    },
    async deliveries() {
      return (await auditRecords()).filter((r) => r.trigger === "outbox");
    },
    async outboxSettled(timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await test.db.query(`SELECT *, "next_attempt_at" <= now() AS "due" FROM "fascia_outbox" ORDER BY "created_at"`);
        if (!rows.some((r) => r.state === "pending" || (r.state === "guard" && r.due))) return rows;
        if (Date.now() > until) throw new Error(`the outbox still has pending entries after ${timeoutMs} ms: ${JSON.stringify(rows)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await server.close();
      if (serverDb !== test.db) await serverDb.close();
      await sideDb?.close();
      await Promise.all([payments.close(), mail.close(), ops.close(), jwks.close()]);
      await test.drop();
    },
  };
}

function silentLogger() {
  // A real pino logger at level silent: the log format itself is tested in observability.test.ts.
  return createLogger({ level: "silent" });
}
