/**
 * The reservations example deployed under Pulumi mocks (update mode): the full resource set by
 * type and logical name, the inputs that matter, parent/child structure, and no secret value in
 * plain text anywhere.
 */
import * as pulumi from "@pulumi/pulumi";
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read deep provider inputs */
import type { FasciaDeployment } from "../../components/fascia-deployment";
import { migrationRunToken } from "../../components/plan-hash";
import { HEALTH_PATH, READINESS_PATH } from "../../contracts/routes";
import {
  createRecordingMocks,
  isSecretWrapper,
  MOCK_DB_PASSWORD,
  MOCK_PROJECT_NUMBER,
  parentTypes,
  RECORD_TYPE,
  settle,
  unwrap,
  valueOf,
  type Registered,
} from "./support/recording-mocks";
import { exampleDeployment } from "./support/example-deployment";
import { exampleToolComponents } from "../support/example-names";

const { mocks, resources } = createRecordingMocks();
const SECRETS = {
  PAYMENTS_API_KEY: "sk_live_7Hq2Vb9RkL",
  PAYMENTS_WEBHOOK_SECRET: "whsec_Pp41MnTz0q",
  OPS_WEBHOOK_TOKEN: "ops-tok-9f8e7d6c",
};
/** The service's deterministic URL: its name, the project's number, its region. */
const OWN_URL = `https://reservations-executor-${MOCK_PROJECT_NUMBER}.europe-west1.run.app`;
const IMAGE = `europe-west1-docker.pkg.dev/acme-prod/fascia/executor@sha256:${"ab".repeat(32)}`;

let deployment: FasciaDeployment;

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, "fascia", "prod", false);
  deployment = exampleDeployment(IMAGE, SECRETS);
  await valueOf(deployment.endpoints);
  await valueOf(deployment.migrationPlan);
  await settle();
});

const byType = (type: string) => resources.filter((r) => r.type === type);
const one = (name: string): Registered => {
  const found = resources.filter((r) => r.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const plain = (r: Registered) => unwrap(r.inputs) as Record<string, any>;

test("the full resource set, by type and logical name", () => {
  const names = (type: string) =>
    byType(type)
      .map((r) => r.name)
      .sort();
  expect(names("fascia:index:FasciaDeployment")).toEqual(["reservations"]);
  expect(names("gcp:projects/service:Service")).toEqual(
    ["artifactregistry", "cloudscheduler", "iam", "run", "secretmanager", "sqladmin", "storage"].map((a) => `reservations-api-${a}`),
  );
  expect(names("gcp:serviceaccount/account:Account")).toEqual([
    "reservations-migrate-sa",
    "reservations-runtime-sa",
    "reservations-scheduler-sa",
  ]);
  expect(names("gcp:projects/iAMMember:IAMMember")).toEqual([
    "reservations-migrate-cloudsql-client",
    "reservations-runtime-cloudsql-client",
  ]);
  expect(names("gcp:sql/databaseInstance:DatabaseInstance")).toEqual(["reservations-db"]);
  expect(names("gcp:sql/database:Database")).toEqual(["reservations-database"]);
  expect(names("gcp:sql/user:User")).toEqual(["reservations-db-runtime-user", "reservations-db-user"]);
  expect(names("random:index/randomPassword:RandomPassword")).toEqual(["reservations-db-password", "reservations-db-runtime-password"]);
  const secretKeys = ["db-password", "db-runtime-password", "OPS_WEBHOOK_TOKEN", "PAYMENTS_API_KEY", "PAYMENTS_WEBHOOK_SECRET"];
  expect(names("gcp:secretmanager/secret:Secret")).toEqual(secretKeys.map((k) => `reservations-secret-${k}`).sort());
  expect(names("gcp:secretmanager/secretVersion:SecretVersion")).toEqual(secretKeys.map((k) => `reservations-secret-${k}-version`).sort());
  expect(names("gcp:secretmanager/secretIamMember:SecretIamMember")).toEqual(
    secretKeys.map((k) => `reservations-secret-${k}-accessor`).sort(),
  );
  expect(names("gcp:artifactregistry/repository:Repository")).toEqual(["reservations-images"]);
  expect(names("gcp:storage/bucket:Bucket")).toEqual(["reservations-audit-witness"]);
  expect(names("gcp:storage/bucketIAMMember:BucketIAMMember")).toEqual([
    "reservations-audit-witness-object-creator",
    "reservations-audit-witness-object-viewer",
  ]);
  expect(names("gcp:cloudrunv2/job:Job")).toEqual(["reservations-migrate"]);
  expect(names("gcp:cloudrunv2/service:Service")).toEqual(["reservations-executor"]);
  expect(names("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")).toEqual([
    "reservations-invoker-public",
    "reservations-invoker-scheduler",
  ]);
  expect(names("fascia:index:FasciaEntity")).toEqual(["customer", "reservation", "room"].map((e) => `reservations-entity-${e}`));
  expect(names(RECORD_TYPE)).toEqual(["customer", "reservation", "room"].map((e) => `reservations-entity-${e}-record`));
  expect(names("fascia:index:FasciaTool")).toEqual(exampleToolComponents("reservations"));
  expect(names("gcp:cloudscheduler/job:Job")).toEqual(["reservations-tool-complete-stays-schedule"]);
  expect(resources).toHaveLength(57); // exactly the resources listed above, nothing else
});

test("Cloud SQL: PostgreSQL 15, backups with point-in-time recovery, deletion protection, no open network", () => {
  const db = plain(one("reservations-db"));
  expect(db).toMatchObject({ project: "acme-prod", region: "europe-west1", databaseVersion: "POSTGRES_15", deletionProtection: true });
  expect(db.settings).toMatchObject({
    tier: "db-custom-1-3840",
    edition: "ENTERPRISE",
    deletionProtectionEnabled: true,
    backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7 },
    ipConfiguration: { ipv4Enabled: true, authorizedNetworks: [], sslMode: "ENCRYPTED_ONLY" },
    databaseFlags: [{ name: "max_connections", value: "100" }],
  });
  expect(plain(one("reservations-database"))).toMatchObject({ name: "reservations", instance: "reservations-db-a1b2c3" });
  // The migrator keeps the single user's old name, so it still owns an existing deployment's tables.
  expect(plain(one("reservations-db-user")).name).toBe("reservations_executor");
  expect(plain(one("reservations-db-runtime-user")).name).toBe("reservations_runtime");
});

test("two database users: the job migrates as the owner and grants the runtime user, the service runs as the runtime user", () => {
  const envOf = (r: Registered, template: (inputs: any) => any) =>
    Object.fromEntries(template(plain(r)).containers[0].envs.map((e: any) => [e.name, e.value ?? e.valueSource]));
  const job = envOf(one("reservations-migrate"), (j) => j.template.template);
  const service = envOf(one("reservations-executor"), (s) => s.template);
  expect(job).toMatchObject({
    FASCIA_DB_USER: "reservations_executor",
    FASCIA_DB_PASSWORD: { secretKeyRef: { secret: "reservations-db-password", version: "1" } },
    FASCIA_DB_RUNTIME_USER: "reservations_runtime",
  });
  // Migrating reads the manifest and the database alone: no spec secret, no auth, nothing to serve with.
  expect(Object.keys(job).filter((k) => k.startsWith("FASCIA_SECRET_") || k.startsWith("FASCIA_AUTH_"))).toEqual([]);
  expect(service).toMatchObject({
    FASCIA_DB_USER: "reservations_runtime",
    FASCIA_DB_PASSWORD: { secretKeyRef: { secret: "reservations-db-runtime-password", version: "1" } },
  });
  expect(service.FASCIA_DB_RUNTIME_USER).toBeUndefined();
});

test("the runtime and migration accounts hold cloudsql.client on their instance and secretAccessor on exactly their own secrets", () => {
  const runtime = "serviceAccount:reservations-run@acme-prod.iam.gserviceaccount.com";
  const migrator = "serviceAccount:reservations-mig@acme-prod.iam.gserviceaccount.com";
  const projectGrants = byType("gcp:projects/iAMMember:IAMMember").map(plain);
  expect(projectGrants.map((g) => [g.project, g.role, g.member]).sort()).toEqual([
    ["acme-prod", "roles/cloudsql.client", migrator],
    ["acme-prod", "roles/cloudsql.client", runtime],
  ]);
  // Limited to the app's own instance by an IAM condition on its resource name.
  for (const grant of projectGrants)
    expect(grant.condition).toEqual({
      title: "only reservations-db-a1b2c3",
      description: "Fascia: the executor connects to its own Cloud SQL instance reservations-db-a1b2c3 only",
      expression: 'resource.name == "projects/acme-prod/instances/reservations-db-a1b2c3" && resource.service == "sqladmin.googleapis.com"',
    });
  const secretGrants = byType("gcp:secretmanager/secretIamMember:SecretIamMember").map(plain);
  expect(secretGrants.map((g) => [g.secretId, g.role, g.member]).sort()).toEqual(
    [
      ["reservations--OPS_WEBHOOK_TOKEN", "roles/secretmanager.secretAccessor", runtime],
      ["reservations--PAYMENTS_API_KEY", "roles/secretmanager.secretAccessor", runtime],
      ["reservations--PAYMENTS_WEBHOOK_SECRET", "roles/secretmanager.secretAccessor", runtime],
      ["reservations-db-password", "roles/secretmanager.secretAccessor", migrator],
      ["reservations-db-runtime-password", "roles/secretmanager.secretAccessor", runtime],
    ].sort(),
  );
  const secretIds = byType("gcp:secretmanager/secret:Secret")
    .map((s) => plain(s).secretId)
    .sort();
  expect(secretIds).toEqual(secretGrants.map((g) => g.secretId).sort());
});

test("invokers: the service is public (it has HTTP tools and a webhook), the scheduler account may invoke", () => {
  const invokers = byType("gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
    .map(plain)
    .map((m) => [m.role, m.member, m.name]);
  expect(invokers.sort()).toEqual([
    ["roles/run.invoker", "allUsers", "reservations-executor"],
    ["roles/run.invoker", "serviceAccount:reservations-sched@acme-prod.iam.gserviceaccount.com", "reservations-executor"],
  ]);
});

test("Cloud Run service: image by digest, service account, ingress, Cloud SQL volume, env and secret references", () => {
  const service = plain(one("reservations-executor"));
  // Named, not generated: its deterministic URL is then known before it exists (the scheduler's audience).
  expect(service).toMatchObject({
    name: "reservations-executor",
    project: "acme-prod",
    location: "europe-west1",
    ingress: "INGRESS_TRAFFIC_ALL",
  });
  const template = service.template;
  expect(template.serviceAccount).toBe("reservations-run@acme-prod.iam.gserviceaccount.com");
  expect(template.scaling).toEqual({ minInstanceCount: 0, maxInstanceCount: 10 });
  expect(template.maxInstanceRequestConcurrency).toBe(40);
  expect(template.timeout).toBe("130s"); // completeStays' 2m + 10 s
  expect(template.volumes).toEqual([
    { name: "cloudsql", cloudSqlInstance: { instances: ["acme-prod:europe-west1:reservations-db-a1b2c3"] } },
  ]);
  const container = template.containers[0];
  expect(container.image).toBe(IMAGE);
  expect(container.volumeMounts).toEqual([{ name: "cloudsql", mountPath: "/cloudsql" }]);
  // Startup gates traffic on the database and schema; liveness asks only the process (components/probes.ts).
  expect(container.startupProbe).toMatchObject({ httpGet: { path: READINESS_PATH, port: 8080 } });
  expect(container.livenessProbe).toMatchObject({ httpGet: { path: HEALTH_PATH, port: 8080 } });
  expect(container.ports).toEqual({ containerPort: 8080 });
  for (const probe of [container.startupProbe, container.livenessProbe]) expect(probe.timeoutSeconds).toBeLessThan(probe.periodSeconds);
  expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeLessThanOrEqual(240);
  const env = Object.fromEntries(container.envs.map((e: any) => [e.name, e.value ?? e.valueSource]));
  expect(env).toEqual({
    FASCIA_AUDIT_WITNESS: "gs://acme-prod-reservations-audit",
    FASCIA_AUTH_AUDIENCE: "reservations-api",
    FASCIA_AUTH_ISSUER: "https://auth.acme.example",
    FASCIA_AUTH_JWKS_URL: "https://auth.acme.example/.well-known/jwks.json",
    FASCIA_DB_NAME: "reservations",
    FASCIA_DB_PASSWORD: { secretKeyRef: { secret: "reservations-db-runtime-password", version: "1" } },
    FASCIA_DB_POOL_MAX: "7", // (100 − 8 reserved) / 10 instances − 2 side connections each
    FASCIA_DB_SOCKET_DIR: "/cloudsql/acme-prod:europe-west1:reservations-db-a1b2c3",
    FASCIA_DB_USER: "reservations_runtime",
    FASCIA_GCP_PROJECT: "acme-prod",
    FASCIA_METRICS_PORT: "9464", // loopback only: the public port answers 404 on /metrics
    FASCIA_PLAN_HASH: expect.stringMatching(/^[0-9a-f]{64}$/),
    FASCIA_RUN: "serve",
    FASCIA_SCHEDULER_AUDIENCE: OWN_URL,
    FASCIA_SCHEDULER_SERVICE_ACCOUNT: "reservations-sched@acme-prod.iam.gserviceaccount.com",
    FASCIA_SECRET_OPS_WEBHOOK_TOKEN: { secretKeyRef: { secret: "reservations--OPS_WEBHOOK_TOKEN", version: "1" } },
    FASCIA_SECRET_PAYMENTS_API_KEY: { secretKeyRef: { secret: "reservations--PAYMENTS_API_KEY", version: "1" } },
    FASCIA_SECRET_PAYMENTS_WEBHOOK_SECRET: { secretKeyRef: { secret: "reservations--PAYMENTS_WEBHOOK_SECRET", version: "1" } },
    FASCIA_TRUST_PROXY: "1", // the client's address as Cloud Run's front end saw it
  });
});

test("the audit witness: a bucket in the app's region with a retention policy, the runtime account may only add to it", async () => {
  const bucket = plain(one("reservations-audit-witness"));
  expect(bucket).toEqual({
    project: "acme-prod",
    name: "acme-prod-reservations-audit",
    location: "europe-west1",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    // 400 days by default, not locked (locking is irreversible: docs/deploy.md says when to).
    retentionPolicy: { retentionPeriod: String(400 * 86_400), isLocked: false },
    forceDestroy: false,
    labels: { "fascia-app": "reservations", "managed-by": "fascia" },
  });
  // On this bucket only, to the runtime account only: create and read objects, never delete or overwrite them.
  const grants = byType("gcp:storage/bucketIAMMember:BucketIAMMember").map(plain);
  expect(grants.map((g) => [g.bucket, g.role, g.member]).sort()).toEqual([
    ["acme-prod-reservations-audit", "roles/storage.objectCreator", "serviceAccount:reservations-run@acme-prod.iam.gserviceaccount.com"],
    ["acme-prod-reservations-audit", "roles/storage.objectViewer", "serviceAccount:reservations-run@acme-prod.iam.gserviceaccount.com"],
  ]);
  // No other storage role anywhere in the deployment.
  const storageRoles = resources.map((r) => plain(r).role).filter((role) => typeof role === "string" && role.startsWith("roles/storage."));
  expect(storageRoles.sort()).toEqual(["roles/storage.objectCreator", "roles/storage.objectViewer"]);
  // The service gets it; the migration job, which writes no audit record, does not.
  const service = plain(one("reservations-executor")).template.containers[0].envs;
  expect(service.find((e: any) => e.name === "FASCIA_AUDIT_WITNESS").value).toBe("gs://acme-prod-reservations-audit");
  const job = plain(one("reservations-migrate")).template.template.containers[0].envs;
  expect(job.find((e: any) => e.name === "FASCIA_AUDIT_WITNESS")).toBeUndefined();
  expect(await valueOf(deployment.auditWitnessBucket)).toBe("acme-prod-reservations-audit");
});

test("migrations: one job, one task, no retries, run to completion once per plan hash and image", async () => {
  const job = plain(one("reservations-migrate"));
  const hash = await valueOf(deployment.planHash);
  expect(job).toMatchObject({ name: "reservations-migrate", location: "europe-west1", runExecutionToken: migrationRunToken(hash!, IMAGE) });
  expect(job.template).toMatchObject({
    taskCount: 1,
    parallelism: 1,
    template: { maxRetries: 0, serviceAccount: "reservations-mig@acme-prod.iam.gserviceaccount.com" },
  });
  const env = Object.fromEntries(job.template.template.containers[0].envs.map((e: any) => [e.name, e.value ?? e.valueSource]));
  expect(env).toMatchObject({ FASCIA_RUN: "migrate", FASCIA_DB_POOL_MAX: "1" });
  expect(job.name.length + job.runExecutionToken.length).toBeLessThan(63);
});

test("Cloud Scheduler: the scheduled tool posts to its route with an OIDC token whose audience is the URL the executor checks", async () => {
  const url = await valueOf(deployment.serviceUrl);
  const job = plain(one("reservations-tool-complete-stays-schedule"));
  expect(job).toMatchObject({
    region: "europe-west1",
    project: "acme-prod",
    schedule: "0 3 * * *",
    timeZone: "Europe/Berlin",
    attemptDeadline: "130s",
    retryConfig: { retryCount: 0 },
  });
  expect(job.httpTarget).toEqual({
    uri: `${url}/_fascia/scheduled/completeStays`,
    httpMethod: "POST",
    headers: { "Content-Type": "application/json" },
    body: Buffer.from("{}").toString("base64"),
    oidcToken: { serviceAccountEmail: "reservations-sched@acme-prod.iam.gserviceaccount.com", audience: OWN_URL },
  });
  // The same string the service's executor checks tokens against: one value, two readers.
  const serviceEnv = plain(one("reservations-executor")).template.containers[0].envs;
  expect(serviceEnv.find((e: any) => e.name === "FASCIA_SCHEDULER_AUDIENCE").value).toBe(job.httpTarget.oidcToken.audience);
});

test("parent/child structure: the URN of every child names its parent component", () => {
  const parents = parentTypes();
  expect(parents.size).toBe(resources.length);
  for (const r of resources) {
    const expected =
      r.name === "reservations"
        ? undefined
        : r.type === RECORD_TYPE
          ? "fascia:index:FasciaEntity"
          : r.type === "gcp:cloudscheduler/job:Job"
            ? "fascia:index:FasciaTool"
            : "fascia:index:FasciaDeployment";
    expect([r.name, parents.get(r.name)]).toEqual([r.name, expected]);
    // Names derive from the component's: a second deployment in the stack never collides.
    expect(r.name.startsWith("reservations")).toBe(true);
  }
});

test("stack outputs: URL, endpoints, risk levels, connection name, report, migration plan, plan hash", async () => {
  const url = await valueOf(deployment.serviceUrl);
  expect(url).toBe("https://reservations-executor-x7k2p9-ew.a.run.app");
  expect(await valueOf(deployment.endpoints)).toEqual({
    cancelReservation: `POST ${url}/reservations/{reservationId}/cancel`,
    completeStays: `POST ${url}/_fascia/scheduled/completeStays`,
    confirmReservation: `POST ${url}/reservations/{reservationId}/confirm`,
    createReservation: `POST ${url}/reservations`,
    createRoom: `POST ${url}/rooms`,
    registerCustomer: `POST ${url}/customers`,
    listReservations: `GET ${url}/reservations`,
    paymentWebhook: `POST ${url}/webhooks/payments`,
  });
  expect(await valueOf(deployment.riskLevels)).toEqual({
    cancelReservation: "green",
    completeStays: "yellow",
    confirmReservation: "yellow",
    createReservation: "yellow",
    createRoom: "green",
    listReservations: "green",
    paymentWebhook: "green",
    registerCustomer: "green",
  });
  expect(await valueOf(deployment.connectionName)).toBe("acme-prod:europe-west1:reservations-db-a1b2c3");
  const report = await valueOf(deployment.riskReport);
  expect(report!.summary).toMatchObject({ tools: 8, red: 0, deployable: true });
  expect(Object.keys((await valueOf(deployment.migrationPlan))!).sort()).toEqual(["Customer", "Reservation", "Room"]);
  expect(await valueOf(deployment.planHash)).toMatch(/^[0-9a-f]{64}$/);
});

test("no secret value appears in plain text in any resource's inputs or in the stack outputs", async () => {
  const secretValues = [...Object.values(SECRETS), MOCK_DB_PASSWORD];
  const leaks: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (isSecretWrapper(value)) return; // a secret reference: encrypted in the state, masked in logs
    if (typeof value === "string") {
      for (const s of secretValues) if (value.includes(s)) leaks.push(`${path} contains ${s}`);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  let secretInputs = 0;
  const countSecrets = (value: unknown): void => {
    if (isSecretWrapper(value)) secretInputs++;
    else if (value && typeof value === "object") Object.values(value).forEach(countSecrets);
  };
  for (const r of resources) {
    walk(r.inputs, `${r.type} ${r.name}`);
    countSecrets(r.inputs);
  }
  const outputs = {
    serviceUrl: await valueOf(deployment.serviceUrl),
    endpoints: await valueOf(deployment.endpoints),
    riskLevels: await valueOf(deployment.riskLevels),
    connectionName: await valueOf(deployment.connectionName),
    riskReport: await valueOf(deployment.riskReport),
    migrationPlan: await valueOf(deployment.migrationPlan),
    planHash: await valueOf(deployment.planHash),
  };
  walk(outputs, "outputs");
  expect(leaks).toEqual([]);
  // The walk saw the secrets: 3 spec secret versions, the two passwords' versions and the two SQL users.
  expect(secretInputs).toBe(7);
  const versions = byType("gcp:secretmanager/secretVersion:SecretVersion");
  for (const v of versions) expect(isSecretWrapper(v.inputs.secretData)).toBe(true);
});

test("secret versions: pinned by number in the env, and left enabled when a rotation replaces them", () => {
  const versions = byType("gcp:secretmanager/secretVersion:SecretVersion");
  expect(versions).toHaveLength(5);
  // ABANDON: a replaced version stays enabled, so the revisions naming it (and rollbacks to them) still start.
  for (const v of versions) expect(v.inputs.deletionPolicy).toBe("ABANDON");
  const refs = plain(one("reservations-executor"))
    .template.containers[0].envs.filter((e: any) => e.valueSource)
    .map((e: any) => e.valueSource.secretKeyRef.version);
  expect(refs).toHaveLength(4);
  expect(refs.every((v: string) => /^[0-9]+$/.test(v))).toBe(true); // never "latest"
});
