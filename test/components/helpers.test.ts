/** The pure helpers behind the components: naming, pool sizing, exposure, env, durations, hashes. */
import fc from "fast-check";
import { requestTimeoutSeconds, attemptDeadline } from "../../components/durations";
import { executorEnv } from "../../components/env";
import { serviceExposure } from "../../components/exposure";
import {
  boundedId,
  CLOUD_RUN_SERVICE_ID,
  pgIdentifier,
  SERVICE_ACCOUNT_ID,
  MIGRATION_JOB_ID,
  specSecretId,
  witnessBucketName,
} from "../../components/naming";
import { cloudRunServiceUrl } from "../../components/urls";
import { checkImageByDigest, migrationRunToken } from "../../components/plan-hash";
import { canonicalJson } from "../../contracts/canonical-json";
import { RESERVED_CONNECTIONS, SPARE_CONNECTIONS, sizePool, tierMemoryGb } from "../../components/pool-sizing";
import { EXECUTOR_SIDE_CONNECTIONS } from "../../contracts/environment";
import { toolRoute } from "../../contracts/routes";
import type { ToolSpec } from "../../language/tool";

const GCP_ID = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe("boundedId", () => {
  test("always a valid GCP id within the bounds, ending with its suffix", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom("run", "sched", "migrate", "db-password"), (base, suffix) => {
        for (const rule of [SERVICE_ACCOUNT_ID, MIGRATION_JOB_ID]) {
          const id = boundedId(base, suffix, rule);
          expect(id).toMatch(GCP_ID);
          expect(id.length).toBeLessThanOrEqual(rule.maxLength);
          expect(id.length).toBeGreaterThanOrEqual(rule.minLength ?? 1);
          expect(id.endsWith(`-${suffix}`)).toBe(true);
        }
      }),
    );
  });
  test("long bases that share a prefix stay distinct", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{30,40}$/),
        fc.stringMatching(/^[a-z]{1,5}$/),
        fc.stringMatching(/^[a-z]{1,5}$/),
        (prefix, a, b) => {
          fc.pre(a !== b);
          expect(boundedId(prefix + a, "run", SERVICE_ACCOUNT_ID)).not.toBe(boundedId(prefix + b, "run", SERVICE_ACCOUNT_ID));
        },
      ),
    );
  });
  test("examples", () => {
    expect(boundedId("reservations", "run", SERVICE_ACCOUNT_ID)).toBe("reservations-run");
    expect(boundedId("MyApp", "run", SERVICE_ACCOUNT_ID)).toBe("my-app-run");
    expect(boundedId("a", "run", SERVICE_ACCOUNT_ID)).toBe("ax-run");
    expect(specSecretId("reservations", "PAYMENTS_API_KEY")).toBe("reservations--PAYMENTS_API_KEY");
    expect(pgIdentifier("My-App 2")).toBe("my_app_2");
  });
  test("the witness bucket: a Cloud Storage bucket name from any project id and app name, distinct per project and app", () => {
    const projectId = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/), fc.constant("example.com:legacy-project"));
    fc.assert(
      fc.property(projectId, fc.string({ maxLength: 80 }), (project, app) => {
        const name = witnessBucketName(project, app);
        expect(name).toMatch(/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/);
        expect(name.endsWith("-audit")).toBe(true);
        expect(name).not.toMatch(/google|^goog/);
      }),
    );
    expect(witnessBucketName("acme-prod", "reservations")).toBe("acme-prod-reservations-audit");
    expect(witnessBucketName("acme-prod", "GoogleAdsSync")).toBe("acme-prod-ggl-ads-sync-audit");
    expect(witnessBucketName("acme-prod", "Shop")).not.toBe(witnessBucketName("acme-dev", "Shop"));
    const long = "a".repeat(40);
    expect(witnessBucketName("acme-prod-123456", `${long}x`)).not.toBe(witnessBucketName("acme-prod-123456", `${long}y`));
  });
});

describe("cloudRunServiceUrl", () => {
  it("is Cloud Run's deterministic URL: name, project number, region", () => {
    expect(cloudRunServiceUrl("reservations-executor", "123456789012", "europe-west1")).toBe(
      "https://reservations-executor-123456789012.europe-west1.run.app",
    );
  });

  it("fits every service name the deployment gives, with a 12-digit project number, in one DNS label", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (base) => {
        const name = boundedId(base, "executor", CLOUD_RUN_SERVICE_ID);
        expect(cloudRunServiceUrl(name, "123456789012", "us-central1")).toMatch(/^https:\/\/[a-z0-9-]{1,63}\.us-central1\.run\.app$/);
      }),
    );
  });

  it("refuses what Cloud Run would give no such URL, and an unknown project number", () => {
    expect(() => cloudRunServiceUrl("x".repeat(51), "123456789012", "us-central1")).toThrow(/no deterministic URL: .* longer than 63/);
    expect(() => cloudRunServiceUrl("svc", "undefined", "us-central1")).toThrow(/project number of service svc is not known/);
  });
});

describe("sizePool", () => {
  test("maxInstances × pool never exceeds the connection limit minus what is reserved", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 12, max: 4000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (maxConnections, maxInstances, concurrency) => {
          let size;
          try {
            size = sizePool({ tier: "db-custom-1-3840", maxConnections, maxInstances, concurrency });
          } catch (error) {
            // Refused only when not even one connection per instance fits.
            expect(maxInstances * (1 + EXECUTOR_SIDE_CONNECTIONS)).toBeGreaterThan(
              maxConnections - RESERVED_CONNECTIONS - SPARE_CONNECTIONS,
            );
            expect((error as Error).message).toContain("`service.maxInstances`");
            return;
          }
          expect(size.poolMax).toBeGreaterThanOrEqual(1);
          expect(size.poolMax).toBeLessThanOrEqual(concurrency);
          expect(size.used).toBe((size.poolMax + EXECUTOR_SIDE_CONNECTIONS) * maxInstances);
          expect(size.used + RESERVED_CONNECTIONS + SPARE_CONNECTIONS).toBeLessThanOrEqual(maxConnections);
          // And it is the largest pool that fits.
          if (size.poolMax < concurrency)
            expect(
              (size.poolMax + 1 + EXECUTOR_SIDE_CONNECTIONS) * maxInstances + RESERVED_CONNECTIONS + SPARE_CONNECTIONS,
            ).toBeGreaterThan(maxConnections);
        },
      ),
    );
  });
  test("tiers: the default limit follows Cloud SQL's table; unknown tiers need maxConnections", () => {
    expect(sizePool({ tier: "db-f1-micro", maxInstances: 2, concurrency: 80 })).toEqual({ connectionLimit: 25, poolMax: 6, used: 16 });
    expect(sizePool({ tier: "db-custom-2-7680", maxInstances: 10, concurrency: 80 })).toEqual({
      connectionLimit: 400,
      poolMax: 37,
      used: 390,
    });
    expect(tierMemoryGb("db-n1-standard-4")).toBe(15);
    expect(() => sizePool({ tier: "db-perf-optimized-N-2", maxInstances: 1, concurrency: 1 })).toThrow(/set `database.maxConnections`/);
  });
});

const http = (name: string, extra: Partial<ToolSpec> = {}) =>
  ({ kind: "Tool", name, trigger: { http: { method: "GET", path: `/${name}` } }, flow: { nodes: [] }, ...extra }) as unknown as ToolSpec;
const scheduled = (name: string) =>
  ({ kind: "Tool", name, trigger: { schedule: { cron: "0 * * * *" } }, timeout: "2m", flow: { nodes: [] } }) as unknown as ToolSpec;

describe("serviceExposure", () => {
  test("scheduled tools only: internal ingress, no public invoker", () => {
    expect(serviceExposure([scheduled("nightly")])).toEqual({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invokers: [], publicTools: [] });
  });
  test("an HTTP or webhook tool makes the service reachable, allUsers by default or the given invokers", () => {
    expect(serviceExposure([scheduled("nightly"), http("list")])).toEqual({
      ingress: "INGRESS_TRAFFIC_ALL",
      invokers: ["allUsers"],
      publicTools: ["list"],
    });
    expect(serviceExposure([http("list")], ["group:callers@acme.example"]).invokers).toEqual(["group:callers@acme.example"]);
    expect(() => serviceExposure([http("list")], ["callers@acme.example"])).toThrow(/is not an IAM member/);
  });
});

test("routes and deadlines", () => {
  expect(toolRoute(scheduled("nightly"))).toEqual({
    kind: "schedule",
    method: "POST",
    path: "/_fascia/scheduled/nightly",
    cron: "0 * * * *",
    timezone: "UTC",
  });
  expect(requestTimeoutSeconds([scheduled("nightly"), http("list", { timeout: "5s" })])).toBe(130);
  expect(requestTimeoutSeconds([http("list", { timeout: "5s" })])).toBe(70);
  expect(attemptDeadline(scheduled("nightly"))).toBe("130s");
});

test("executor env: exactly the contract's names, secrets only as references, sorted", () => {
  const env = executorEnv<string>(
    {
      socketDir: "/cloudsql/p:r:i",
      databaseName: "app",
      databaseUser: "app_executor",
      passwordSecret: { secret: "app-db-password", version: "3" },
      poolMax: 9,
      secrets: new Map([["API_KEY", { secret: "app--API_KEY", version: "1" }]]),
      auth: { issuer: "https://issuer" },
      auditWitness: "gs://p-app-audit",
      project: "p",
      planHash: "abc",
      run: "serve",
    },
    (s) => s,
  );
  expect(env.map((e) => e.name)).toEqual([
    "FASCIA_AUDIT_WITNESS",
    "FASCIA_AUTH_ISSUER",
    "FASCIA_DB_NAME",
    "FASCIA_DB_PASSWORD",
    "FASCIA_DB_POOL_MAX",
    "FASCIA_DB_SOCKET_DIR",
    "FASCIA_DB_USER",
    "FASCIA_GCP_PROJECT",
    "FASCIA_PLAN_HASH",
    "FASCIA_RUN",
    "FASCIA_SECRET_API_KEY",
  ]);
  expect(env.filter((e) => "secretRef" in e).map((e) => e.name)).toEqual(["FASCIA_DB_PASSWORD", "FASCIA_SECRET_API_KEY"]);
});

test("canonical JSON ignores key order; the migration token follows the plan hash and the image; images must be by digest", () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
      const reversed = Object.fromEntries(Object.entries(object).reverse());
      expect(canonicalJson(reversed)).toBe(canonicalJson(object));
    }),
  );
  const image = `r.example/p/x@sha256:${"0".repeat(64)}`;
  const plan = "a".repeat(64);
  expect(migrationRunToken(plan, image)).toMatch(/^[0-9a-f]{16}$/);
  expect(migrationRunToken(plan, image)).toBe(migrationRunToken(plan, `${image}`));
  expect(migrationRunToken("b".repeat(64), image)).not.toBe(migrationRunToken(plan, image));
  expect(migrationRunToken(plan, image.replace(/0$/, "1"))).not.toBe(migrationRunToken(plan, image));
  expect(() => checkImageByDigest(image)).not.toThrow();
  expect(() => checkImageByDigest("r.example/p/x:latest")).toThrow(/by digest/);
});
