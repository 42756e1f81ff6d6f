/**
 * FasciaDeployment: a whole Fascia app in the user's GCP project. It validates and governs every
 * spec before creating any child (a Red tool or invalid spec fails the preview with the report),
 * then creates: the APIs, a Cloud SQL PostgreSQL instance (15 by default) with its database and user, the
 * secrets, a runtime service account holding only what the executor needs, an Artifact Registry
 * repository, the audit checkpoints' witness bucket (a retention policy; the executor may only
 * add to it), the migration job (run once per deploy, before the service changes), the Cloud Run
 * service, one FasciaEntity per entity and one FasciaTool per tool (with Cloud Scheduler jobs).
 */
import * as pulumi from "@pulumi/pulumi";
import { Repository } from "@pulumi/gcp/artifactregistry";
import * as gcpConfig from "@pulumi/gcp/config";
import { Job as RunJob, Service as RunService, ServiceIamMember } from "@pulumi/gcp/cloudrunv2";
import { getProjectOutput } from "@pulumi/gcp/organizations";
import { IAMMember, Service as ProjectService } from "@pulumi/gcp/projects";
import { Secret, SecretIamMember, SecretVersion } from "@pulumi/gcp/secretmanager";
import { Account } from "@pulumi/gcp/serviceaccount";
import { Database, DatabaseInstance, User } from "@pulumi/gcp/sql";
import { Bucket, BucketIAMMember } from "@pulumi/gcp/storage";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { RiskReportJson } from "../risk/report/json";
import type { RiskLevel } from "../risk/rule";
import { apiShortName, requiredApis } from "./apis";
import { requestTimeoutSeconds } from "./durations";
import { CLOUDSQL_MOUNT_PATH, executorEnv, type EnvEntry, type SecretRef } from "./env";
import { resolveArgs, type FasciaDeploymentArgs, type ResolvedDeployment } from "./deployment-args";
import { FasciaEntity } from "./fascia-entity";
import { FasciaExecutorImage } from "./fascia-executor-image";
import { migrationRunToken } from "./plan-hash";
import { asDocuments } from "./spec-input";
import { FasciaTool } from "./fascia-tool";
import { EXECUTOR_PORT, executorProbes, METRICS_PORT } from "./probes";
import { cloudRunServiceUrl } from "./urls";
import { instanceCondition, ROLES, RUNTIME_PROJECT_ROLES, runtimeSecretGrants, serviceAccountMember, WITNESS_BUCKET_ROLES } from "./iam";
import {
  boundedId,
  childName,
  CLOUD_RUN_SERVICE_ID,
  MIGRATION_JOB_ID,
  pgIdentifier,
  REPOSITORY_ID,
  SERVICE_ACCOUNT_ID,
  SECRET_ID,
  slug,
  specSecretId,
  witnessBucketName,
} from "./naming";
import type { EntityMigrationSummary } from "../risk/entity-migration";

export const FASCIA_DEPLOYMENT_TYPE = "fascia:index:FasciaDeployment";

export {
  DEFAULTS,
  type DeploymentDefaults,
  type FasciaAuditWitnessArgs,
  type FasciaAuthArgs,
  type FasciaDatabaseArgs,
  type FasciaDeploymentArgs,
  type FasciaOperatorsArgs,
  type FasciaServiceArgs,
} from "./deployment-args";

export class FasciaDeployment extends pulumi.ComponentResource {
  public readonly serviceUrl: pulumi.Output<string>;
  /** Tool name → `METHOD https://…/path`, or the scheduler's target for a scheduled tool. */
  public readonly endpoints: pulumi.Output<Record<string, string>>;
  public readonly riskLevels: pulumi.Output<Record<string, RiskLevel>>;
  public readonly connectionName: pulumi.Output<string>;
  public readonly riskReport: pulumi.Output<RiskReportJson>;
  /** Per entity: the planned change against the spec recorded at the last deploy. */
  public readonly migrationPlan: pulumi.Output<Record<string, EntityMigrationSummary | undefined>>;
  /** The plan hash of the app manifest compiled from the specs: the executor refuses to run another (FASCIA_PLAN_HASH). */
  public readonly planHash: pulumi.Output<string>;
  /** The executor image Cloud Run runs, `repository@sha256:…`: the one given, or the one built from the specs. */
  public readonly imageRef: pulumi.Output<string>;
  /** The image built from the specs; absent when `image` was given. */
  public readonly executorImage: FasciaExecutorImage | undefined;
  public readonly databasePoolMax: pulumi.Output<number>;
  /** The bucket witnessing the audit log's checkpoints (`fascia audit verify --witness gs://<it>`). */
  public readonly auditWitnessBucket: pulumi.Output<string>;
  public readonly entities: Record<string, FasciaEntity> = {};
  public readonly tools: Record<string, FasciaTool> = {};

  constructor(name: string, args: FasciaDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FASCIA_DEPLOYMENT_TYPE, name, {}, opts);
    // 1. Validate and normalise everything before the first child. An explicit gcp provider (on
    // this component or inherited from a parent) reaches every child through `parent: this`; the
    // config's project and region are then never read, so they cannot override the provider's.
    const explicitProvider = this.getProvider(GCP_TYPE_PROBE) !== undefined;
    const resolved = resolveArgs(name, args, { providerConfig: gcpConfig, explicitProvider, resource: this });
    const { report, planHash: hash, pool } = resolved;
    const child = { parent: this };
    // Project and region go on children only when the args give them; otherwise the provider in
    // effect supplies both, and what this component needs of them is read from children's outputs.
    const inProject = resolved.project !== undefined ? { project: resolved.project } : {};

    // 2. APIs.
    const apis = createApis(name, inProject, child, resolved);
    const at: Scope = {
      name,
      base: slug(name),
      parent: this,
      inProject,
      ...(resolved.region !== undefined ? { region: resolved.region } : {}),
      child,
      afterApis: { parent: this, dependsOn: apis },
    };

    // 3. Database (first: the runtime account's Cloud SQL grant is conditioned on its instance).
    const database = createDatabase(at, resolved);
    // 4. Identities.
    const identities = createIdentities(at, resolved, database.instance);
    // 5. Secrets: the database password and every secret the specs name, each readable by the runtime account alone.
    const secrets = createSecrets(at, resolved, identities, database);
    // 5b. The audit checkpoints' witness: a bucket with a retention policy the runtime account may only add to.
    const witness = createAuditWitness(at, resolved, identities, database.instance);
    // 6. The executor image: given by digest, or built from the specs into the deployment's Artifact Registry repository.
    const image = executorImage(at, resolved, createImageRepository(at, resolved));
    this.executorImage = image.built;
    // 7. The service's name and own URL, known before it exists; the executor's environment, shared by the migration job and the service.
    const address = serviceAddress(at, identities, database.instance);
    const workload = executorWorkload(resolved, identities, database, secrets, address, witness);
    // 8. Migrations, run to completion before the service may change.
    const migrate = createMigrationJob(at, resolved, identities, workload, image);
    // 9. The executor service and who may invoke it.
    const run = createService(at, resolved, identities, workload, migrate, image, address, witness);
    createInvokers(at, resolved, run, identities.scheduler);
    // 10. One component per entity and tool.
    const components = createComponents(at, resolved, migrate, run, identities.scheduler, address);
    Object.assign(this.entities, components.entities);
    Object.assign(this.tools, components.tools);

    this.serviceUrl = run.uri;
    this.connectionName = database.instance.connectionName;
    this.riskReport = pulumi.output(report);
    this.riskLevels = pulumi.output(Object.fromEntries(report.tools.map((t) => [t.name, t.risk])));
    this.endpoints = pulumi
      .all(
        Object.entries(this.tools).map(([toolName, t]) =>
          pulumi.all([t.method, t.endpoint]).apply(([m, e]) => [toolName, `${m} ${e ?? ""}`] as const),
        ),
      )
      .apply((pairs) => Object.fromEntries(pairs));
    this.migrationPlan = pulumi
      .all(Object.entries(this.entities).map(([entityName, e]) => e.migration.apply((m) => [entityName, m] as const)))
      .apply((pairs) => Object.fromEntries(pairs));
    this.planHash = pulumi.output(hash);
    this.imageRef = pulumi.output(image.ref);
    this.databasePoolMax = pulumi.output(pool.poolMax);
    this.auditWitnessBucket = witness.bucket.name;
    this.registerOutputs({
      serviceUrl: this.serviceUrl,
      endpoints: this.endpoints,
      riskLevels: this.riskLevels,
      connectionName: this.connectionName,
      riskReport: this.riskReport,
      migrationPlan: this.migrationPlan,
      planHash: this.planHash,
      imageRef: this.imageRef,
      databasePoolMax: this.databasePoolMax,
      auditWitnessBucket: this.auditWitnessBucket,
    });
  }
}

/** Superseded secret versions stay enabled, so a rollback to an older revision still starts (see createSecrets). */
const SECRET_VERSION_DELETION_POLICY = "ABANDON";

/** Any gcp resource type: `getProvider` looks a provider up by the type's package. */
const GCP_TYPE_PROBE = "gcp:sql/databaseInstance:DatabaseInstance";

/** What every child shares: its name's prefix, the project and region, its parent and resource options. */
interface Scope {
  /** The component's logical name, which every child's name starts with. */
  name: string;
  /** The name as a slug, the prefix of GCP ids and the `fascia-app` label. */
  base: string;
  parent: pulumi.Resource;
  /** `{ project }` when the args give one, spread into every child that takes it; else empty (the provider's). */
  inProject: { project?: pulumi.Input<string> };
  /** The args' region; when absent, children take the provider's (Cloud Run's required location: the instance's region). */
  region?: pulumi.Input<string>;
  child: { parent: pulumi.Resource };
  /** For the children that need the project's APIs enabled first. */
  afterApis: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] };
}

function createApis(name: string, inProject: Scope["inProject"], child: Scope["child"], resolved: ResolvedDeployment): ProjectService[] {
  return requiredApis({ scheduled: resolved.scheduled, privateNetwork: resolved.database.privateNetwork !== undefined }).map(
    (api) =>
      new ProjectService(childName(name, `api-${apiShortName(api)}`), { ...inProject, service: api, disableOnDestroy: false }, child),
  );
}

interface Identities {
  /** The service's account: the runtime database user's password and the specs' secrets. */
  runtime: Account;
  runtimeMember: pulumi.Output<string>;
  /** The migration job's account: the migrator's password, nothing the service reads. */
  migrator: Account;
  migratorMember: pulumi.Output<string>;
  projectGrants: IAMMember[];
  /** Only when some tool runs on a schedule. */
  scheduler: Account | undefined;
}

function createIdentities(
  { name, base, inProject, child, afterApis }: Scope,
  resolved: ResolvedDeployment,
  instance: DatabaseInstance,
): Identities {
  const runtime = new Account(
    childName(name, "runtime-sa"),
    { ...inProject, accountId: boundedId(base, "run", SERVICE_ACCOUNT_ID), displayName: `Fascia executor of ${name}` },
    afterApis,
  );
  const runtimeMember = runtime.email.apply(serviceAccountMember);
  const migrator = new Account(
    childName(name, "migrate-sa"),
    { ...inProject, accountId: boundedId(base, "mig", SERVICE_ACCOUNT_ID), displayName: `Fascia migrations of ${name}` },
    afterApis,
  );
  const migratorMember = migrator.email.apply(serviceAccountMember);
  const projectGrants = (
    [
      ["runtime", runtime, runtimeMember],
      ["migrate", migrator, migratorMember],
    ] as const
  ).flatMap(([who, account, member]) =>
    RUNTIME_PROJECT_ROLES.map(
      (role) =>
        new IAMMember(
          childName(name, `${who}-${role.replace(/^roles\//, "").replace(/\./g, "-")}`),
          // A project IAM member needs its project: the account's, which its provider decided.
          {
            project: account.project,
            role,
            member,
            condition: pulumi.all([instance.project, instance.name]).apply(([p, i]) => instanceCondition(p, i)),
          },
          child,
        ),
    ),
  );
  const scheduler = resolved.scheduled
    ? new Account(
        childName(name, "scheduler-sa"),
        { ...inProject, accountId: boundedId(base, "sched", SERVICE_ACCOUNT_ID), displayName: `Fascia scheduler of ${name}` },
        afterApis,
      )
    : undefined;
  return { runtime, runtimeMember, migrator, migratorMember, projectGrants, scheduler };
}

interface DatabaseResources {
  instance: DatabaseInstance;
  database: Database;
  /** The migrator: owns the schema; only the migration job logs in as it. */
  password: RandomPassword;
  user: User;
  /** The runtime user: rows only, granted by the migration job (docs/executor-config.md, "Two database users"). */
  runtimePassword: RandomPassword;
  runtimeUser: User;
}

function createDatabase(
  { name, inProject, region, child, afterApis }: Scope,
  { database, pool, labels }: ResolvedDeployment,
): DatabaseResources {
  const privateNetwork = database.privateNetwork;
  const deletionProtection = database.deletionProtection;
  const instance = new DatabaseInstance(
    childName(name, "db"),
    {
      ...inProject,
      ...(region !== undefined ? { region } : {}),
      databaseVersion: database.version,
      deletionProtection,
      settings: {
        tier: database.tier,
        edition: "ENTERPRISE",
        availabilityType: database.availabilityType,
        diskAutoresize: true,
        diskSize: database.diskSizeGb,
        deletionProtectionEnabled: deletionProtection,
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: true,
          startTime: database.backupStartTime,
          transactionLogRetentionDays: database.pitrDays,
          backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
        },
        ipConfiguration:
          privateNetwork !== undefined
            ? { ipv4Enabled: false, privateNetwork, sslMode: "ENCRYPTED_ONLY" }
            : // Public IP without authorized networks: reachable only through the Cloud SQL connector (IAM-checked).
              { ipv4Enabled: true, authorizedNetworks: [], sslMode: "ENCRYPTED_ONLY" },
        databaseFlags: [{ name: "max_connections", value: String(pool.connectionLimit) }],
        userLabels: labels,
      },
    },
    afterApis,
  );
  const dbName = pgIdentifier(name);
  const databaseRes = new Database(childName(name, "database"), { ...inProject, instance: instance.name, name: dbName }, child);
  const dbUser = (key: string, userName: string) => {
    const password = new RandomPassword(childName(name, `${key}-password`), { length: 32, special: false }, child);
    const user = new User(
      childName(name, `${key}-user`),
      { ...inProject, instance: instance.name, name: userName, password: password.result },
      child,
    );
    return { password, user };
  };
  // The migrator keeps the name of the single user earlier versions made, so it stays the owner of existing tables.
  const migrator = dbUser("db", `${dbName}_executor`.slice(0, 63));
  const runtime = dbUser("db-runtime", `${dbName}_runtime`.slice(0, 63));
  return { instance, database: databaseRes, ...migrator, runtimePassword: runtime.password, runtimeUser: runtime.user };
}

interface SecretResources {
  /** The migrator's password, readable by the migration job's account. */
  passwordRef: SecretRef<pulumi.Input<string>>;
  /** The runtime user's password, readable by the service's account. */
  runtimePasswordRef: SecretRef<pulumi.Input<string>>;
  /** Spec secret name → its Secret Manager reference. */
  secretRefs: Map<string, SecretRef<pulumi.Input<string>>>;
  /** The versions and grants the executor needs in place before it runs. */
  resources: pulumi.Resource[];
}

function createSecrets(
  { name, base, inProject, child, afterApis }: Scope,
  resolved: ResolvedDeployment,
  { runtimeMember, migratorMember }: Identities,
  { password, runtimePassword }: DatabaseResources,
): SecretResources {
  const secretRefs = new Map<string, SecretRef<pulumi.Input<string>>>();
  const secretResources: pulumi.Resource[] = [];
  const makeSecret = (key: string, secretId: string, value: pulumi.Input<string>, member: pulumi.Output<string>) => {
    const secret = new Secret(
      childName(name, `secret-${key}`),
      { ...inProject, secretId, replication: { auto: {} }, labels: resolved.labels },
      afterApis,
    );
    // A rotation (a new value) replaces the version. The revisions still serving, and any an
    // operator rolls back to, name the old version by number: ABANDON leaves it enabled in Secret
    // Manager, where DELETE would destroy it and DISABLE would make those revisions fail to start.
    // Dropping the resource from the state then loses nothing, so it is never protected — a
    // protected component (protect: true) would otherwise refuse every rotation.
    const version = new SecretVersion(
      childName(name, `secret-${key}-version`),
      { secret: secret.id, secretData: pulumi.secret(value), deletionPolicy: SECRET_VERSION_DELETION_POLICY },
      { ...child, protect: false },
    );
    const grant = new SecretIamMember(
      childName(name, `secret-${key}-accessor`),
      { project: secret.project, secretId: secret.secretId, role: ROLES.secretAccessor, member },
      child,
    );
    secretResources.push(version, grant);
    return { secret: secret.secretId, version: version.version } as SecretRef<pulumi.Input<string>>;
  };
  const passwordRef = makeSecret("db-password", boundedId(base, "db-password", SECRET_ID), password.result, migratorMember);
  const runtimePasswordRef = makeSecret(
    "db-runtime-password",
    boundedId(base, "db-runtime-password", SECRET_ID),
    runtimePassword.result,
    runtimeMember,
  );
  for (const grant of runtimeSecretGrants(resolved.secretNames)) {
    secretRefs.set(grant.key, makeSecret(grant.key, specSecretId(base, grant.key), resolved.secretValues[grant.key]!, runtimeMember));
  }
  return { passwordRef, runtimePasswordRef, secretRefs, resources: secretResources };
}

interface AuditWitness {
  bucket: Bucket;
  /** The runtime account's grants on it, in place before the service starts publishing. */
  grants: BucketIAMMember[];
}

const SECONDS_PER_DAY = 86_400;

/**
 * The bucket that witnesses the audit log's checkpoints (executor/audit/gcs-witness.ts): in the
 * app's region, uniform bucket-level access (IAM only, no object ACLs), never public, and a
 * retention policy under which no object can be deleted or overwritten before it expires — by
 * anyone, whatever their roles. Locked on request only (irreversible). The runtime account may
 * create and read objects in this bucket and nothing more (WITNESS_BUCKET_ROLES); no other
 * account of the deployment gets a role on it.
 */
function createAuditWitness(
  { name, base, inProject, region, child, afterApis }: Scope,
  { auditWitness, labels }: ResolvedDeployment,
  { runtime, runtimeMember }: Identities,
  instance: DatabaseInstance,
): AuditWitness {
  const bucket = new Bucket(
    childName(name, "audit-witness"),
    {
      ...inProject,
      // The project the bucket lands in, whichever provider decided it: the runtime account's.
      name: runtime.project.apply((project) => witnessBucketName(project, base)),
      location: region ?? instance.region,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      retentionPolicy: { retentionPeriod: String(auditWitness.retentionDays * SECONDS_PER_DAY), isLocked: auditWitness.locked },
      // Emptying the bucket on destroy is impossible under retention anyway; never try.
      forceDestroy: false,
      labels,
    },
    afterApis,
  );
  const grants = WITNESS_BUCKET_ROLES.map(
    (role) =>
      new BucketIAMMember(
        childName(name, `audit-witness-${slug(role.replace(/^roles\/storage\./, ""))}`),
        { bucket: bucket.name, role, member: runtimeMember },
        child,
      ),
  );
  return { bucket, grants };
}

/** The image the migration job and the service run, and what the migration run token hashes for it. */
interface ExecutorImageRef {
  ref: pulumi.Input<string>;
  /** The image's identity known at preview: the given reference, or the built image's digest. */
  identity: pulumi.Input<string>;
  built: FasciaExecutorImage | undefined;
}

/** The image's name inside the deployment's repository. */
const EXECUTOR_IMAGE_NAME = "executor";

function executorImage({ name, parent }: Scope, resolved: ResolvedDeployment, repository: Repository): ExecutorImageRef {
  if (resolved.image !== undefined) return { ref: resolved.image, identity: resolved.image, built: undefined };
  const built = new FasciaExecutorImage(
    childName(name, "image"),
    {
      specs: asDocuments(resolved.specs),
      repository: pulumi.interpolate`${repository.registryUri}/${EXECUTOR_IMAGE_NAME}`,
      ...(resolved.imageBase !== undefined ? { base: resolved.imageBase } : {}),
    },
    { parent },
  );
  return { ref: built.imageRef, identity: built.digest, built };
}

function createImageRepository({ name, base, inProject, region, afterApis }: Scope, { labels }: ResolvedDeployment): Repository {
  return new Repository(
    childName(name, "images"),
    {
      ...inProject,
      ...(region !== undefined ? { location: region } : {}),
      repositoryId: boundedId(base, "images", REPOSITORY_ID),
      format: "DOCKER",
      labels,
      description: `Executor images of Fascia app ${name}`,
    },
    afterApis,
  );
}

/**
 * The executor service's name and, when scheduled tools need it, its own URL. The name is set, not
 * generated, so the URL is known before the service exists: the service cannot take its own `uri`
 * output as an environment variable, yet the executor must check scheduler tokens against that URL
 * (FASCIA_SCHEDULER_AUDIENCE), never against a request's Host header. Cloud Run's deterministic
 * URL is `https://<name>-<project number>.<region>.run.app`; the scheduler jobs use exactly this
 * string as their tokens' audience.
 */
interface ServiceAddress {
  name: string;
  /** Absent when no tool is scheduled: then nothing checks it. */
  url: pulumi.Output<string> | undefined;
}

function serviceAddress({ base, region, parent }: Scope, { runtime, scheduler }: Identities, instance: DatabaseInstance): ServiceAddress {
  const name = boundedId(base, "executor", CLOUD_RUN_SERVICE_ID);
  if (!scheduler) return { name, url: undefined };
  // The project the service runs in is its runtime account's, whichever provider decided it.
  const projectNumber = getProjectOutput({ projectId: runtime.project }, { parent }).number;
  const url = pulumi
    .all([projectNumber, region ?? instance.region])
    .apply(([number, location]) => cloudRunServiceUrl(name, number, location));
  return { name, url };
}

/** What the migration job and the service share: environment, Cloud SQL volume, VPC egress, what they wait for. */
interface Workload {
  envFor: (run: "serve" | "migrate", poolMax: number) => ReturnType<typeof toRunEnv>;
  cloudSqlVolume: { name: string; cloudSqlInstance: { instances: pulumi.Output<string>[] } };
  cloudSqlMount: { name: string; mountPath: string };
  vpcAccess:
    { networkInterfaces: { network: pulumi.Input<string>; subnetwork: pulumi.Input<string> | undefined }[]; egress: string } | undefined;
  runsAfter: pulumi.Resource[];
  location: pulumi.Output<string>;
}

function executorWorkload(
  resolved: ResolvedDeployment,
  identities: Identities,
  db: DatabaseResources,
  secrets: SecretResources,
  address: ServiceAddress,
  witness: AuditWitness,
): Workload {
  const { instance, database: databaseRes, user, runtimeUser } = db;
  const { runtime, scheduler, projectGrants } = identities;
  const privateNetwork = resolved.database.privateNetwork;
  const shared = {
    socketDir: pulumi.interpolate`${CLOUDSQL_MOUNT_PATH}/${instance.connectionName}`,
    databaseName: databaseRes.name,
    // The project the executor runs in: its runtime account's, whichever provider decided it.
    project: runtime.project,
    planHash: resolved.planHash,
  };
  // The migration job reads the manifest and the database alone, as the migrator, and grants the runtime user;
  // the service logs in as the runtime user and reads everything serving needs.
  const migrateEnv = (poolMax: number) =>
    executorEnv<pulumi.Input<string>>(
      {
        ...shared,
        databaseUser: user.name,
        passwordSecret: secrets.passwordRef,
        runtimeUser: runtimeUser.name,
        poolMax,
        secrets: new Map(),
        run: "migrate",
      },
      (s) => s,
    );
  const serveEnv = (poolMax: number) =>
    executorEnv<pulumi.Input<string>>(
      {
        ...shared,
        databaseUser: runtimeUser.name,
        passwordSecret: secrets.runtimePasswordRef,
        poolMax,
        secrets: secrets.secretRefs,
        auth: resolved.auth,
        operators: resolved.operators,
        ...(scheduler ? { schedulerServiceAccount: scheduler.email } : {}),
        ...(address.url ? { schedulerAudience: address.url } : {}),
        ...(resolved.paymentsBaseUrl !== undefined ? { paymentsBaseUrl: resolved.paymentsBaseUrl } : {}),
        auditWitness: pulumi.interpolate`gs://${witness.bucket.name}`,
        metricsPort: METRICS_PORT,
        // The Google front end appends the client's address to X-Forwarded-For: the executor's
        // per-address limit of failed authentications keys on it (executor/server/address-limit.ts).
        trustProxyHops: 1,
        run: "serve",
      },
      (s) => s,
    );
  const envFor = (run: "serve" | "migrate", poolMax: number) => toRunEnv(run === "migrate" ? migrateEnv(poolMax) : serveEnv(poolMax));
  const cloudSqlVolume = { name: "cloudsql", cloudSqlInstance: { instances: [instance.connectionName] } };
  const cloudSqlMount = { name: "cloudsql", mountPath: CLOUDSQL_MOUNT_PATH };
  const vpcAccess =
    privateNetwork !== undefined
      ? { networkInterfaces: [{ network: privateNetwork, subnetwork: resolved.database.privateSubnetwork }], egress: "PRIVATE_RANGES_ONLY" }
      : undefined;
  const runsAfter = [user, runtimeUser, databaseRes, ...projectGrants, ...secrets.resources];
  // Cloud Run requires a location: the args' region, else the instance's (its provider's region).
  return { envFor, cloudSqlVolume, cloudSqlMount, vpcAccess, runsAfter, location: instance.region };
}

/**
 * Migrations: a Cloud Run job executed once per plan and image (the token hashes both), to
 * completion, before the service may change; one task, no parallelism, no retries.
 */
function createMigrationJob(
  { name, base, inProject, region, parent }: Scope,
  resolved: ResolvedDeployment,
  { migrator }: Identities,
  workload: Workload,
  image: ExecutorImageRef,
): RunJob {
  const { envFor, cloudSqlVolume, cloudSqlMount, vpcAccess, runsAfter } = workload;
  return new RunJob(
    childName(name, "migrate"),
    {
      ...inProject,
      location: region ?? workload.location,
      name: boundedId(base, "migrate", MIGRATION_JOB_ID),
      labels: resolved.labels,
      deletionProtection: false,
      runExecutionToken: pulumi.output(image.identity).apply((identity) => migrationRunToken(resolved.planHash, identity)),
      template: {
        taskCount: 1,
        parallelism: 1,
        template: {
          serviceAccount: migrator.email,
          maxRetries: 0,
          timeout: "900s",
          volumes: [cloudSqlVolume],
          ...(vpcAccess ? { vpcAccess } : {}),
          containers: [{ image: image.ref, envs: envFor("migrate", 1), volumeMounts: [cloudSqlMount] }],
        },
      },
    },
    { parent, dependsOn: runsAfter },
  );
}

function createService(
  { name, inProject, region, parent }: Scope,
  resolved: ResolvedDeployment,
  { runtime }: Identities,
  workload: Workload,
  migrate: RunJob,
  image: ExecutorImageRef,
  address: ServiceAddress,
  witness: AuditWitness,
): RunService {
  const { service, exposure, pool, tools } = resolved;
  const { envFor, cloudSqlVolume, cloudSqlMount, vpcAccess, runsAfter } = workload;
  return new RunService(
    childName(name, "executor"),
    {
      ...inProject,
      name: address.name,
      location: region ?? workload.location,
      ingress: exposure.ingress,
      ...(service.invokerIamDisabled ? { invokerIamDisabled: true } : {}),
      labels: resolved.labels,
      deletionProtection: false,
      template: {
        serviceAccount: runtime.email,
        maxInstanceRequestConcurrency: service.concurrency,
        timeout: `${requestTimeoutSeconds(tools)}s`,
        scaling: { minInstanceCount: service.minInstances, maxInstanceCount: service.maxInstances },
        volumes: [cloudSqlVolume],
        ...(vpcAccess ? { vpcAccess } : {}),
        containers: [
          {
            image: image.ref,
            ports: { containerPort: EXECUTOR_PORT },
            ...executorProbes(EXECUTOR_PORT),
            resources: { limits: { cpu: service.cpu, memory: service.memory } },
            envs: envFor("serve", pool.poolMax),
            volumeMounts: [cloudSqlMount],
          },
        ],
      },
    },
    // The witness's grants first: the executor publishes checkpoints from its start.
    { parent, dependsOn: [migrate, ...runsAfter, ...witness.grants] },
  );
}

function createInvokers({ name, child }: Scope, { exposure }: ResolvedDeployment, run: RunService, scheduler: Account | undefined): void {
  for (const member of exposure.invokers) {
    new ServiceIamMember(
      childName(name, `invoker-${member === "allUsers" ? "public" : slug(member)}`),
      { project: run.project, location: run.location, name: run.name, role: ROLES.runInvoker, member },
      child,
    );
  }
  if (scheduler) {
    new ServiceIamMember(
      childName(name, "invoker-scheduler"),
      {
        project: run.project,
        location: run.location,
        name: run.name,
        role: ROLES.runInvoker,
        member: scheduler.email.apply(serviceAccountMember),
      },
      child,
    );
  }
}

/** One FasciaEntity per entity (after the migration ran) and one FasciaTool per tool (with its schedule). */
function createComponents(
  { name, parent }: Scope,
  { entities, tools, policies }: ResolvedDeployment,
  migrate: RunJob,
  run: RunService,
  scheduler: Account | undefined,
  address: ServiceAddress,
) {
  const entityComponents: Record<string, FasciaEntity> = {};
  const toolComponents: Record<string, FasciaTool> = {};
  for (const entity of entities) {
    entityComponents[entity.name] = new FasciaEntity(
      childName(name, `entity-${slug(entity.name)}`),
      { spec: entity, entities },
      { parent, dependsOn: [migrate] },
    );
  }
  for (const tool of tools) {
    toolComponents[tool.name] = new FasciaTool(
      childName(name, `tool-${slug(tool.name)}`),
      {
        spec: tool,
        entities,
        policies,
        serviceUrl: run.uri,
        ...(scheduler && tool.trigger.schedule
          ? {
              scheduler: {
                serviceAccountEmail: scheduler.email,
                region: run.location,
                project: run.project,
                ...(address.url ? { audience: address.url } : {}),
              },
            }
          : {}),
      },
      { parent },
    );
  }
  return { entities: entityComponents, tools: toolComponents };
}

function toRunEnv(entries: EnvEntry<pulumi.Input<string>>[]) {
  return entries.map((e) =>
    "secretRef" in e
      ? { name: e.name, valueSource: { secretKeyRef: { secret: e.secretRef.secret, version: e.secretRef.version } } }
      : { name: e.name, value: e.value },
  );
}
