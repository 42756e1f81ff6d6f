/**
 * FasciaDeployment's args resolved without Pulumi mocks and without creating a resource: the
 * defaults applied, given values kept, and every bad input refused with its property path.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS, resolveArgs, type FasciaDeploymentArgs, type ResolveContext } from "../../components/deployment-args";
import { GREEN_TOOL, IMAGE, ITEM, RED_TOOL } from "./support/small-app";

const PROVIDER: ResolveContext = { providerConfig: { project: "acme", region: "europe-west1" } };
const specs = [ITEM, GREEN_TOOL];

/** The InputPropertyError resolveArgs throws, as { path, reason }. */
function refusal(args: FasciaDeploymentArgs, context: ResolveContext = PROVIDER): { path: string; reason: string } {
  try {
    resolveArgs("shop", args, context);
  } catch (error) {
    if (!pulumi.InputPropertyError.isInstance(error)) throw error;
    return { path: error.propertyPath, reason: error.reason };
  }
  throw new Error("resolveArgs accepted the args");
}

test("defaults: database, service, pool; project and region left to the provider", () => {
  const resolved = resolveArgs("shop", { specs, image: IMAGE }, PROVIDER);
  expect(resolved.database).toEqual({
    tier: "db-custom-1-3840",
    availabilityType: "ZONAL",
    diskSizeGb: 10,
    deletionProtection: true,
    backupStartTime: "03:00",
    pitrDays: 7,
    version: "POSTGRES_15",
  });
  expect(resolved.service).toEqual({
    minInstances: 0,
    maxInstances: 10,
    concurrency: 40,
    cpu: "1",
    memory: "512Mi",
    invokerIamDisabled: false,
  });
  expect(resolved.service).toEqual({
    minInstances: DEFAULTS.minInstances,
    maxInstances: DEFAULTS.maxInstances,
    concurrency: DEFAULTS.concurrency,
    cpu: DEFAULTS.cpu,
    memory: DEFAULTS.memory,
    invokerIamDisabled: false,
  });
  expect(resolved.pool).toMatchObject({ connectionLimit: 100, poolMax: 7 }); // (100 − 8 reserved) / 10 instances − 2 side connections
  // Checked against gcp:project/gcp:region, but not copied: the provider itself supplies them to each child.
  expect(resolved).not.toHaveProperty("project");
  expect(resolved).not.toHaveProperty("region");
  expect(resolved.auth).toEqual({});
  expect(resolved).not.toHaveProperty("paymentsBaseUrl");
  expect(resolved.secretNames).toEqual([]);
  expect(resolved.scheduled).toBe(false);
  expect(resolved.tools.map((t) => t.name)).toEqual(["addItemGreen"]);
  expect(resolved.entities.map((e) => e.name)).toEqual(["Item"]);
  expect(resolved.exposure).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL", invokers: ["allUsers"] });
  expect(resolved.report.summary).toMatchObject({ tools: 1, red: 0, deployable: true });
  expect(resolved.planHash).toMatch(/^[0-9a-f]{64}$/);
});

test("given values win over the defaults and the provider's configuration; auth loses its undefined members", () => {
  const resolved = resolveArgs(
    "shop",
    {
      specs,
      image: IMAGE,
      project: "other",
      region: "us-central1",
      database: {
        tier: "db-custom-2-7680",
        maxConnections: 200,
        availabilityType: "REGIONAL",
        diskSizeGb: 50,
        deletionProtection: false,
        privateNetwork: "net",
        privateSubnetwork: "sub",
        backupStartTime: "01:30",
        pitrDays: 3,
        version: "POSTGRES_17",
      },
      service: { minInstances: 1, maxInstances: 4, concurrency: 20, cpu: "2", memory: "1Gi", invokers: ["group:ops@acme.example"] },
      auth: { issuer: "https://auth.acme.example", audience: undefined },
      operators: { role: "sre", issuer: undefined },
      paymentsBaseUrl: "http://127.0.0.1:9000",
    },
    PROVIDER,
  );
  expect(resolved.database).toEqual({
    tier: "db-custom-2-7680",
    maxConnections: 200,
    availabilityType: "REGIONAL",
    diskSizeGb: 50,
    deletionProtection: false,
    privateNetwork: "net",
    privateSubnetwork: "sub",
    backupStartTime: "01:30",
    pitrDays: 3,
    version: "POSTGRES_17",
  });
  expect(resolved.service).toEqual({
    minInstances: 1,
    maxInstances: 4,
    concurrency: 20,
    cpu: "2",
    memory: "1Gi",
    invokerIamDisabled: false,
  });
  expect(resolved.pool).toMatchObject({ connectionLimit: 200, poolMax: 20 });
  expect(resolved.exposure.invokers).toEqual(["group:ops@acme.example"]);
  expect([resolved.project, resolved.region]).toEqual(["other", "us-central1"]);
  expect(resolved.auth).toEqual({ issuer: "https://auth.acme.example" });
  expect(resolved.operators).toEqual({ role: "sre" });
  expect(resolved.paymentsBaseUrl).toBe("http://127.0.0.1:9000");
});

test("the plan hash names the specs, not the image (pinned by digest)", () => {
  const other = `${IMAGE.slice(0, -64)}${"ef".repeat(32)}`;
  const base = resolveArgs("shop", { specs, image: IMAGE }, PROVIDER);
  const newImage = resolveArgs("shop", { specs, image: other }, PROVIDER);
  const newSpecs = resolveArgs(
    "shop",
    { specs: [{ ...ITEM, fields: { ...ITEM.fields, sku: { type: "string", maxLength: 20, optional: true } } }, GREEN_TOOL], image: IMAGE },
    PROVIDER,
  );
  expect(newImage.planHash).toBe(base.planHash);
  expect(newSpecs.planHash).not.toBe(base.planHash);
  // The component's name only labels the specs in messages: another name, the same plan.
  expect(resolveArgs("other-name", { specs, image: IMAGE }, PROVIDER).planHash).toBe(base.planHash);
});

test("conflicting inputs are named in backticks", () => {
  expect(refusal({ specs, specDir: "examples/reservations", image: IMAGE })).toEqual({
    path: "specs",
    reason: "FasciaDeployment shop: give exactly one of `specs` or `specDir`",
  });
  expect(refusal({ specs, image: IMAGE, database: { privateNetwork: "net" } })).toEqual({
    path: "database.privateSubnetwork",
    reason: "FasciaDeployment shop: a private-IP database needs `privateSubnetwork` for the service's direct VPC egress",
  });
  expect(refusal({ specs, image: IMAGE, operators: { issuer: "https://ops.acme.example" } })).toEqual({
    path: "operators",
    reason:
      "FasciaDeployment shop: give all of `operators.issuer`, `operators.audience` and `operators.jwksUrl`, or none (operators then use `auth`)",
  });
  expect(refusal({ specs, image: IMAGE, secrets: { NOPE: "x" } })).toEqual({
    path: "secrets",
    reason: "FasciaDeployment shop: `NOPE` is named by no spec (a typo?)",
  });
});

test("missing inputs are named: specs, project and region without the provider's configuration; image without imageBase", () => {
  expect(refusal({ image: IMAGE })).toEqual({ path: "specs", reason: "FasciaDeployment shop: give exactly one of `specs` or `specDir`" });
  expect(resolveArgs("shop", { specs }, PROVIDER).image).toBeUndefined();
  expect(refusal({ specs, image: IMAGE, imageBase: "oci:/tmp/base" })).toEqual({
    path: "imageBase",
    reason: "FasciaDeployment shop: give `imageBase` only when the deployment builds the image (without `image`)",
  });
  expect(refusal({ specs, image: IMAGE }, {})).toEqual({
    path: "project",
    reason: "FasciaDeployment shop: set `project`, `pulumi config set gcp:project …`, or pass an explicit gcp provider",
  });
  expect(refusal({ specs, image: IMAGE, project: "acme" }, {})).toEqual({
    path: "region",
    reason: "FasciaDeployment shop: set `region`, `pulumi config set gcp:region …`, or pass an explicit gcp provider",
  });
});

test("with an explicit gcp provider the configuration is not consulted: neither required nor copied", () => {
  const resolved = resolveArgs("shop", { specs, image: IMAGE }, { explicitProvider: true, providerConfig: { project: "config-project" } });
  expect(resolved).not.toHaveProperty("project");
  expect(resolved).not.toHaveProperty("region");
  // Given args still win over the provider's project and region.
  const given = resolveArgs("shop", { specs, image: IMAGE, project: "p3", region: "us-east1" }, { explicitProvider: true });
  expect([given.project, given.region]).toEqual(["p3", "us-east1"]);
});

test("a value that decides which resources exist must be known when the program runs", () => {
  const later = Promise.resolve("db-custom-2-7680");
  expect(refusal({ specs, image: IMAGE, database: { tier: later } })).toEqual({
    path: "database.tier",
    reason: "FasciaDeployment shop: `database.tier` must be a plain value, known when the program runs: it decides which resources exist",
  });
  expect(refusal({ specs, image: IMAGE, auth: Promise.resolve({}) }).path).toBe("auth");
});

test("invalid specs and refused tools are ResourceErrors on the given resource", () => {
  const refused = (() => {
    try {
      return resolveArgs("shop", { specs: [ITEM, RED_TOOL], image: IMAGE }, PROVIDER);
    } catch (error) {
      return error;
    }
  })();
  expect(pulumi.ResourceError.isInstance(refused)).toBe(true);
  expect((refused as Error).message).toMatch(/^1 of 1 tools may not deploy:\ntool addItem may not deploy: it is RED \(R001\)/);
  expect(() => resolveArgs("shop", { specs: [{ kind: "Entity" }], image: IMAGE }, PROVIDER)).toThrow(/FasciaDeployment shop specs/);
});

test("labels: Fascia's own are added; keys and values GCP would refuse are named", () => {
  expect(resolveArgs("shop", { specs, image: IMAGE }, PROVIDER).labels).toEqual({ "fascia-app": "shop", "managed-by": "fascia" });
  expect(resolveArgs("shop", { specs, image: IMAGE, labels: { team: "ops", env: "" } }, PROVIDER).labels).toEqual({
    env: "",
    "fascia-app": "shop",
    "managed-by": "fascia",
    team: "ops",
  });
  expect(refusal({ specs, image: IMAGE, labels: { "managed-by": "terraform" } })).toEqual({
    path: "labels",
    reason: "FasciaDeployment shop: label `managed-by` is set by Fascia on every resource and cannot be given in `labels`",
  });
  expect(refusal({ specs, image: IMAGE, labels: { Team: "ops" } }).reason).toMatch(/label key `Team` is not a GCP label key/);
  expect(refusal({ specs, image: IMAGE, labels: { "goog-x": "1" } }).reason).toMatch(/label key `goog-x`/);
  expect(refusal({ specs, image: IMAGE, labels: { team: "Ops Team" } }).reason).toMatch(
    /label `team`: value "Ops Team" is not a GCP label value/,
  );
  const many = Object.fromEntries(Array.from({ length: 63 }, (_, i) => [`k${i}`, "v"]));
  expect(refusal({ specs, image: IMAGE, labels: many }).reason).toMatch(/63 labels plus Fascia's 2 exceed GCP's 64/);
});

test("database.version: POSTGRES_15 to POSTGRES_18; anything else is named", () => {
  for (const version of ["POSTGRES_15", "POSTGRES_16", "POSTGRES_17", "POSTGRES_18"])
    expect(resolveArgs("shop", { specs, image: IMAGE, database: { version } }, PROVIDER).database.version).toBe(version);
  expect(refusal({ specs, image: IMAGE, database: { version: "POSTGRES_14" } })).toEqual({
    path: "database.version",
    reason: 'FasciaDeployment shop: "POSTGRES_14" is not one of `POSTGRES_15`, `POSTGRES_16`, `POSTGRES_17`, `POSTGRES_18`',
  });
  expect(refusal({ specs, image: IMAGE, database: { version: "MYSQL_8_0" } }).path).toBe("database.version");
});

test("service.invokerIamDisabled: public without allUsers; not with `invokers`, not for an internal service", () => {
  const resolved = resolveArgs("shop", { specs, image: IMAGE, service: { invokerIamDisabled: true } }, PROVIDER);
  expect(resolved.service.invokerIamDisabled).toBe(true);
  expect(resolved.exposure).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL", invokers: [], publicTools: ["addItemGreen"] });
  expect(refusal({ specs, image: IMAGE, service: { invokerIamDisabled: true, invokers: ["group:a@acme.example"] } })).toEqual({
    path: "service.invokerIamDisabled",
    reason: "FasciaDeployment shop: give only one of `service.invokers` or `service.invokerIamDisabled`",
  });
  expect(refusal({ specs: [ITEM], image: IMAGE, service: { invokerIamDisabled: true } }).reason).toMatch(/the service is internal/);
});

test("auditWitness: 400 days, unlocked by default; given values kept; a retention out of range or a lock not a boolean is named", () => {
  expect(resolveArgs("shop", { specs, image: IMAGE }, PROVIDER).auditWitness).toEqual({ retentionDays: 400, locked: false });
  expect(resolveArgs("shop", { specs, image: IMAGE, auditWitness: { retentionDays: 3650, locked: true } }, PROVIDER).auditWitness).toEqual({
    retentionDays: 3650,
    locked: true,
  });
  for (const retentionDays of [0, -1, 1.5, 36_501, Number.NaN])
    expect(refusal({ specs, image: IMAGE, auditWitness: { retentionDays } })).toEqual({
      path: "auditWitness.retentionDays",
      reason: `FasciaDeployment shop: ${retentionDays} is not a whole number of days from 1 to 36500`,
    });
  expect(refusal({ specs, image: IMAGE, auditWitness: { locked: "yes" as unknown as boolean } }).path).toBe("auditWitness.locked");
  expect(refusal({ specs, image: IMAGE, auditWitness: { locked: pulumi.output(true) } }).reason).toMatch(
    /`auditWitness.locked` must be a plain value/,
  );
});
