/**
 * FasciaDeployment's arguments, validated and normalised before any child exists: the specs
 * loaded and governed, every value that decides which resources exist known, defaults applied,
 * conflicting or missing inputs named in backticks. No Pulumi resource is created here (and no
 * provider module imported), so the whole resolution is unit-tested without mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import { secretNames, type SpecSet } from "../loader/model";
import { assessSpecs } from "../risk/engine";
import { riskReportJson, type RiskReportJson } from "../risk/report/json";
import { serviceExposure, type Exposure } from "./exposure";
import { specSetRefusal } from "./governance";
import { inputFailure, known, specsArg, type Fail } from "./inputs";
import { childLabels } from "./labels";
import { slug } from "./naming";
import { checkImageByDigest, specsPlanHash } from "./plan-hash";
import { sizePool, type PoolSize } from "./pool-sizing";
import { entitiesOf, policiesOf, toolsOf } from "./spec-input";

export interface FasciaDatabaseArgs {
  /** Cloud SQL tier (default `db-custom-1-3840`: 1 vCPU, 3.75 GB, 100 connections). */
  tier?: pulumi.Input<string>;
  /** max_connections set on the instance; default: Cloud SQL's default for the tier. */
  maxConnections?: pulumi.Input<number>;
  /** `REGIONAL` for a standby in a second zone (default `ZONAL`). */
  availabilityType?: pulumi.Input<string>;
  diskSizeGb?: pulumi.Input<number>;
  /** Pulumi and Cloud SQL deletion protection (default true). */
  deletionProtection?: pulumi.Input<boolean>;
  /** A VPC network id with private services access: the instance gets a private IP only. */
  privateNetwork?: pulumi.Input<string>;
  /** The subnetwork the service's direct VPC egress uses (needed with `privateNetwork`). */
  privateSubnetwork?: pulumi.Input<string>;
  /** Daily backup start, `HH:MM` UTC (default `03:00`). */
  backupStartTime?: pulumi.Input<string>;
  /** Days of write-ahead log kept for point-in-time recovery (default 7). */
  pitrDays?: pulumi.Input<number>;
  /**
   * PostgreSQL major version, `POSTGRES_15` (default) to `POSTGRES_18`. Raising it upgrades the
   * instance in place (a few minutes of downtime); Cloud SQL cannot downgrade.
   */
  version?: pulumi.Input<string>;
}

export interface FasciaServiceArgs {
  minInstances?: pulumi.Input<number>;
  maxInstances?: pulumi.Input<number>;
  /** Requests one instance serves at once (default 40). */
  concurrency?: pulumi.Input<number>;
  cpu?: pulumi.Input<string>;
  memory?: pulumi.Input<string>;
  /** Replace `allUsers` as invoker of an internet-facing service with these IAM members. */
  invokers?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * An internet-facing service without an `allUsers` binding, for organisations whose policy
   * (Domain Restricted Sharing) forbids it while callers hold no Google identity (webhooks): Cloud
   * Run's invoker IAM check is switched off and the executor's own checks guard every call.
   */
  invokerIamDisabled?: pulumi.Input<boolean>;
}

export interface FasciaAuthArgs {
  issuer?: pulumi.Input<string>;
  audience?: pulumi.Input<string>;
  jwksUrl?: pulumi.Input<string>;
  rolesClaim?: pulumi.Input<string>;
}

/**
 * Who may read the executor's operator API (docs/operator-api.md): callers with `role` (default
 * `operator`), verified by the app's `auth` settings — or, with `issuer`, `audience` and `jwksUrl`
 * (all three or none), by an identity provider of the operators' own.
 */
export interface FasciaOperatorsArgs {
  role?: pulumi.Input<string>;
  issuer?: pulumi.Input<string>;
  audience?: pulumi.Input<string>;
  jwksUrl?: pulumi.Input<string>;
}

/**
 * The bucket that witnesses the audit log's checkpoints (docs/executor.md, "The witness"): a copy
 * of each checkpoint outside the database, kept by the bucket's retention policy where no one —
 * the database's users, the executor, a project editor — can delete or overwrite it before it expires.
 */
export interface FasciaAuditWitnessArgs {
  /** How long each checkpoint cannot be deleted or overwritten, in days (default 400, at most 36500). */
  retentionDays?: pulumi.Input<number>;
  /**
   * Lock the retention policy (default false). Locking is irreversible: the period can then never
   * be shortened nor the policy removed, and the bucket cannot be deleted until every object has
   * expired. Lock it in production, once the period is the one you want.
   */
  locked?: pulumi.Input<boolean>;
}

export interface FasciaDeploymentArgs {
  /** Spec documents as objects (the same shape as the YAML). One of `specs` or `specDir`. */
  specs?: pulumi.Input<unknown[]>;
  /** A directory of YAML/JSON spec files. */
  specDir?: pulumi.Input<string>;
  /**
   * An executor image built elsewhere, by digest: `REGION-docker.pkg.dev/PROJECT/REPO/executor@sha256:…`
   * (a FasciaExecutorImage's `imageRef`, or `fascia image --push`'s last line). Default: the
   * deployment builds it from the specs (a FasciaExecutorImage child) and pushes it to its own
   * Artifact Registry repository — no Docker needed.
   */
  image?: pulumi.Input<string>;
  /**
   * The base of the image the deployment builds, pinned by digest (`REGISTRY/REPO@sha256:…`) or an
   * OCI image layout (`oci:DIR[:TAG]`). Default: a distroless Node.js 20 image. Not with `image`.
   */
  imageBase?: pulumi.Input<string>;
  /**
   * Set on every child that takes a project. Default: none is set, so the gcp provider in effect
   * supplies it — an explicit provider's `project`, or `gcp:project` for the default provider.
   */
  project?: pulumi.Input<string>;
  /** Like `project`: default the provider's `region` (an explicit provider's, or `gcp:region`). */
  region?: pulumi.Input<string>;
  /** A value for every secret the specs name (use `config.requireSecret`). */
  secrets?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  database?: pulumi.Input<FasciaDatabaseArgs>;
  service?: pulumi.Input<FasciaServiceArgs>;
  auth?: pulumi.Input<FasciaAuthArgs>;
  operators?: pulumi.Input<FasciaOperatorsArgs>;
  paymentsBaseUrl?: pulumi.Input<string>;
  /**
   * Labels for every child GCP lets carry labels (instance, secrets, repository, migration job,
   * service), next to Fascia's own `managed-by: fascia` and `fascia-app: <name>`.
   */
  labels?: pulumi.Input<Record<string, string>>;
  /** The audit checkpoints' witness bucket: its retention and whether its policy is locked. */
  auditWitness?: pulumi.Input<FasciaAuditWitnessArgs>;
}

/**
 * The PostgreSQL major versions Cloud SQL offers that the generated SQL is known to run on: it is
 * tested on PostgreSQL 15 (the oldest) and on PGlite's 18 (the newest).
 */
export const POSTGRES_VERSIONS = ["POSTGRES_15", "POSTGRES_16", "POSTGRES_17", "POSTGRES_18"] as const;
export type PostgresVersion = (typeof POSTGRES_VERSIONS)[number];
/**
 * The default stays 15: a newer default would upgrade every existing deployment's instance in
 * place on its first `pulumi up` after a package update — downtime and no way back, without the
 * operator having asked. New apps choose a newer one with `database.version`.
 */
export const DEFAULT_POSTGRES_VERSION: PostgresVersion = "POSTGRES_15";

export interface DeploymentDefaults {
  tier: string;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  cpu: string;
  memory: string;
}

export const DEFAULTS: DeploymentDefaults = {
  tier: "db-custom-1-3840",
  minInstances: 0,
  maxInstances: 10,
  concurrency: 40,
  cpu: "1",
  memory: "512Mi",
};

/** The default retention of the audit witness's checkpoints: a year and a month, past a yearly audit. */
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;
/** Cloud Storage's longest retention period is under 3,155,760,000 s (100 years). */
export const MAX_AUDIT_RETENTION_DAYS = 36_500;

/**
 * The database arguments with their defaults applied (a new optional argument does not compile
 * until resolveArgs gives it one); the sizing ones are known values.
 */
export type ResolvedDatabase = Required<
  Omit<FasciaDatabaseArgs, "tier" | "maxConnections" | "privateNetwork" | "privateSubnetwork" | "version">
> &
  Pick<FasciaDatabaseArgs, "privateNetwork" | "privateSubnetwork"> & { tier: string; maxConnections?: number; version: PostgresVersion };

/** The service arguments with their defaults applied, the sizing ones known (the invokers are in `exposure`). */
export type ResolvedService = Required<Omit<FasciaServiceArgs, "maxInstances" | "concurrency" | "invokers" | "invokerIamDisabled">> & {
  maxInstances: number;
  concurrency: number;
  invokerIamDisabled: boolean;
};

/** Everything FasciaDeployment needs to create its children, checked. */
export interface ResolvedDeployment {
  specs: SpecSet;
  report: RiskReportJson;
  tools: ToolSpec[];
  entities: EntitySpec[];
  policies: PolicySpec[];
  /** Some tool runs on a schedule: the Cloud Scheduler API, its account and invoker grant. */
  scheduled: boolean;
  /** The image given by digest; absent when the deployment builds its own. */
  image?: string;
  /** The base of the image the deployment builds (absent: the builder's default). */
  imageBase?: string;
  /** The secret names the specs use, each with its value in `secretValues`. */
  secretNames: string[];
  secretValues: Record<string, pulumi.Input<string>>;
  database: ResolvedDatabase;
  service: ResolvedService;
  pool: PoolSize;
  exposure: Exposure;
  /** The args' project and region only: when absent, children leave them to their gcp provider. */
  project?: pulumi.Input<string>;
  region?: pulumi.Input<string>;
  /** The auth arguments given, without undefined members. */
  auth: FasciaAuthArgs;
  /** The operators arguments given, without undefined members. */
  operators: FasciaOperatorsArgs;
  /** The args' labels and Fascia's, checked against GCP's rules (components/labels.ts). */
  labels: Record<string, string>;
  paymentsBaseUrl?: pulumi.Input<string>;
  /** The audit witness bucket's retention policy, defaults applied. */
  auditWitness: { retentionDays: number; locked: boolean };
  /** The plan hash of the app manifest compiled from these specs: FASCIA_PLAN_HASH, which the executor checks. */
  planHash: string;
}

/** What resolveArgs reads besides the args: the provider's configuration, the resource errors name. */
export interface ResolveContext {
  /**
   * The default provider's `gcp:project` and `gcp:region` (`@pulumi/gcp/config`), checked only
   * when `project` or `region` is not given and no explicit gcp provider is in effect: a missing
   * one then fails here, naming the setting, rather than once per child at the provider.
   */
  providerConfig?: { readonly project?: string; readonly region?: string };
  /**
   * An explicit gcp provider reaches the children (`provider`/`providers` on the component or a
   * parent): its own project and region apply, and `gcp:project`/`gcp:region` are not read at all.
   */
  explicitProvider?: boolean;
  /** The resource a ResourceError (invalid specs, a refused tool) is reported on. */
  resource?: pulumi.Resource;
}

/**
 * Validates and normalises FasciaDeployment's args. Throws an InputPropertyError naming the
 * input for a bad argument, a ResourceError with every diagnostic for invalid specs or with
 * every refused tool when governance refuses any.
 */
export function resolveArgs(name: string, args: FasciaDeploymentArgs, context: ResolveContext = {}): ResolvedDeployment {
  const fail = inputFailure(`FasciaDeployment ${name}`);
  const specs = specsArg(`FasciaDeployment ${name}`, args, fail, context.resource);
  const assessments = assessSpecs(specs);
  const refusal = specSetRefusal(assessments);
  if (refusal !== undefined) throw new pulumi.ResourceError(refusal, context.resource, true);
  const report = riskReportJson(assessments);
  const tools = toolsOf(specs);
  const entities = entitiesOf(specs);
  const policies = policiesOf(specs);
  const scheduled = tools.some((t) => t.trigger.schedule !== undefined);

  const image = known(args.image, "image", fail);
  if (image !== undefined) checkOr(() => checkImageByDigest(image), "image", fail);
  const imageBase = known(args.imageBase, "imageBase", fail);
  if (image !== undefined && imageBase !== undefined)
    fail("imageBase", "give `imageBase` only when the deployment builds the image (without `image`)");
  const secretValues = known(args.secrets, "secrets", fail) ?? {};
  const needed = secretNames(specs);
  const missing = needed.filter((n) => !(n in secretValues));
  if (missing.length > 0)
    fail(
      "secrets",
      `no value for ${missing.map((m) => `\`${m}\``).join(", ")}, which the specs name (pulumi config set --secret ${missing[0]} …)`,
    );
  const unused = Object.keys(secretValues).filter((n) => !needed.includes(n));
  if (unused.length > 0)
    fail("secrets", `${unused.map((m) => `\`${m}\``).join(", ")} ${unused.length === 1 ? "is" : "are"} named by no spec (a typo?)`);

  const database = known(args.database, "database", fail) ?? {};
  const service = known(args.service, "service", fail) ?? {};
  const tier = known(database.tier, "database.tier", fail) ?? DEFAULTS.tier;
  const maxInstances = known(service.maxInstances, "service.maxInstances", fail) ?? DEFAULTS.maxInstances;
  const concurrency = known(service.concurrency, "service.concurrency", fail) ?? DEFAULTS.concurrency;
  const maxConnections = known(database.maxConnections, "database.maxConnections", fail);
  const version = known(database.version, "database.version", fail) ?? DEFAULT_POSTGRES_VERSION;
  if (!(POSTGRES_VERSIONS as readonly string[]).includes(version))
    fail("database.version", `"${version}" is not one of ${POSTGRES_VERSIONS.map((v) => `\`${v}\``).join(", ")}`);
  const pool = checkOr(
    () => sizePool({ tier, maxInstances, concurrency, ...(maxConnections !== undefined ? { maxConnections } : {}) }),
    "service.maxInstances",
    fail,
  );
  const invokers = known(service.invokers, "service.invokers", fail);
  const exposed = checkOr(() => serviceExposure(tools, invokers as string[] | undefined), "service.invokers", fail);
  const invokerIamDisabled = known(service.invokerIamDisabled, "service.invokerIamDisabled", fail) ?? false;
  if (invokerIamDisabled && invokers !== undefined)
    fail("service.invokerIamDisabled", "give only one of `service.invokers` or `service.invokerIamDisabled`");
  if (invokerIamDisabled && exposed.publicTools.length === 0)
    fail(
      "service.invokerIamDisabled",
      "the service is internal (no HTTP or webhook tool): switching its invoker IAM check off would only drop the scheduler's IAM check",
    );
  // No IAM check, so no allUsers binding: the public tools reach the executor as before.
  const exposure = invokerIamDisabled ? { ...exposed, invokers: [] } : exposed;
  const privateNetwork = database.privateNetwork;
  if (privateNetwork !== undefined && database.privateSubnetwork === undefined)
    fail("database.privateSubnetwork", "a private-IP database needs `privateSubnetwork` for the service's direct VPC egress");

  if (!context.explicitProvider) {
    if (args.project === undefined && context.providerConfig?.project === undefined)
      fail("project", "set `project`, `pulumi config set gcp:project …`, or pass an explicit gcp provider");
    if (args.region === undefined && context.providerConfig?.region === undefined)
      fail("region", "set `region`, `pulumi config set gcp:region …`, or pass an explicit gcp provider");
  }
  let hash: string;
  try {
    hash = specsPlanHash(specs, `FasciaDeployment ${name} specs`, assessments);
  } catch (error) {
    // Specs that load but whose schema cannot be compiled (ManifestError): no image could be built from them either.
    throw new pulumi.ResourceError((error as Error).message, context.resource, true);
  }

  const givenLabels = known(args.labels, "labels", fail);
  const labels = checkOr(() => childLabels(slug(name), givenLabels), "labels", fail);
  const authArgs = known(args.auth, "auth", fail) ?? {};
  const auth = Object.fromEntries(Object.entries(authArgs).filter(([, v]) => v !== undefined)) as FasciaAuthArgs;
  const operatorsArgs = known(args.operators, "operators", fail) ?? {};
  const operators = Object.fromEntries(Object.entries(operatorsArgs).filter(([, v]) => v !== undefined)) as FasciaOperatorsArgs;
  // The executor reads the operators' issuer all or nothing (docs/executor-config.md): a half given one would stop its start.
  const issuerParts = (["issuer", "audience", "jwksUrl"] as const).filter((k) => operators[k] !== undefined);
  if (issuerParts.length > 0 && issuerParts.length < 3)
    fail("operators", "give all of `operators.issuer`, `operators.audience` and `operators.jwksUrl`, or none (operators then use `auth`)");

  const witnessArgs = known(args.auditWitness, "auditWitness", fail) ?? {};
  const retentionDays = known(witnessArgs.retentionDays, "auditWitness.retentionDays", fail) ?? DEFAULT_AUDIT_RETENTION_DAYS;
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > MAX_AUDIT_RETENTION_DAYS)
    fail("auditWitness.retentionDays", `${String(retentionDays)} is not a whole number of days from 1 to ${MAX_AUDIT_RETENTION_DAYS}`);
  const locked = known(witnessArgs.locked, "auditWitness.locked", fail) ?? false;
  if (typeof locked !== "boolean") fail("auditWitness.locked", "`auditWitness.locked` is true or false");

  return {
    specs,
    report,
    tools,
    entities,
    policies,
    scheduled,
    ...(image !== undefined ? { image } : {}),
    ...(imageBase !== undefined ? { imageBase } : {}),
    secretNames: needed,
    secretValues,
    database: {
      tier,
      ...(maxConnections !== undefined ? { maxConnections } : {}),
      availabilityType: database.availabilityType ?? "ZONAL",
      diskSizeGb: database.diskSizeGb ?? 10,
      deletionProtection: database.deletionProtection ?? true,
      ...(privateNetwork !== undefined ? { privateNetwork, privateSubnetwork: database.privateSubnetwork } : {}),
      backupStartTime: database.backupStartTime ?? "03:00",
      pitrDays: database.pitrDays ?? 7,
      version: version as PostgresVersion,
    },
    service: {
      minInstances: service.minInstances ?? DEFAULTS.minInstances,
      maxInstances,
      concurrency,
      cpu: service.cpu ?? DEFAULTS.cpu,
      memory: service.memory ?? DEFAULTS.memory,
      invokerIamDisabled,
    },
    pool,
    exposure,
    ...(args.project !== undefined ? { project: args.project } : {}),
    ...(args.region !== undefined ? { region: args.region } : {}),
    auth,
    operators,
    labels,
    ...(args.paymentsBaseUrl !== undefined ? { paymentsBaseUrl: args.paymentsBaseUrl } : {}),
    auditWitness: { retentionDays, locked },
    planHash: hash,
  };
}

function checkOr<T>(check: () => T, path: string, fail: Fail): T {
  try {
    return check();
  } catch (error) {
    return fail(path, (error as Error).message);
  }
}
