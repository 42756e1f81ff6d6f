/**
 * FasciaDeployment: a whole Fascia app in the user's GCP project. It validates and governs every
 * spec before creating any child (a Red tool or invalid spec fails the preview with the report),
 * then creates: the APIs, a Cloud SQL PostgreSQL 15 instance with its database and user, the
 * secrets, a runtime service account holding only what the executor needs, an Artifact Registry
 * repository, the migration job (run once per deploy, before the service changes), the Cloud Run
 * service, one FasciaEntity per entity and one FasciaTool per tool (with Cloud Scheduler jobs).
 */
import * as pulumi from "@pulumi/pulumi";
import { Repository } from "@pulumi/gcp/artifactregistry";
import * as gcpConfig from "@pulumi/gcp/config";
import { Job as RunJob, Service as RunService, ServiceIamMember } from "@pulumi/gcp/cloudrunv2";
import { IAMMember, Service as ProjectService } from "@pulumi/gcp/projects";
import { Secret, SecretIamMember, SecretVersion } from "@pulumi/gcp/secretmanager";
import { Account } from "@pulumi/gcp/serviceaccount";
import { Database, DatabaseInstance, User } from "@pulumi/gcp/sql";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { RiskReportJson } from "../risk/report/json";
import type { RiskLevel } from "../risk/rule";
import { apiShortName, requiredApis } from "./apis";
import { requestTimeoutSeconds } from "./durations";
import { CLOUDSQL_MOUNT_PATH, executorEnv, type EnvEntry, type SecretRef } from "./env";
import { resolveArgs, type FasciaDeploymentArgs } from "./deployment-args";
import { FasciaEntity } from "./fascia-entity";
import { FasciaTool } from "./fascia-tool";
import { ROLES, RUNTIME_PROJECT_ROLES, runtimeSecretGrants, serviceAccountMember } from "./iam";
import { boundedId, childName, MIGRATION_JOB_ID, pgIdentifier, REPOSITORY_ID, SERVICE_ACCOUNT_ID, SECRET_ID, slug, specSecretId } from "./naming";
import type { EntityMigrationSummary } from "../risk/entity-migration";

export const FASCIA_DEPLOYMENT_TYPE = "fascia:index:FasciaDeployment";

export { DEFAULTS, type DeploymentDefaults, type FasciaAuthArgs, type FasciaDatabaseArgs, type FasciaDeploymentArgs, type FasciaServiceArgs } from "./deployment-args";

export class FasciaDeployment extends pulumi.ComponentResource {
  public readonly serviceUrl: pulumi.Output<string>;
  /** Tool name → `METHOD https://…/path`, or the scheduler's target for a scheduled tool. */
  public readonly endpoints: pulumi.Output<Record<string, string>>;
  public readonly riskLevels: pulumi.Output<Record<string, RiskLevel>>;
  public readonly connectionName: pulumi.Output<string>;
  public readonly riskReport: pulumi.Output<RiskReportJson>;
  /** Per entity: the planned change against the spec recorded at the last deploy. */
  public readonly migrationPlan: pulumi.Output<Record<string, EntityMigrationSummary | undefined>>;
  /** sha256 of the target schema, the risk report and the image. */
  public readonly planHash: pulumi.Output<string>;
  public readonly databasePoolMax: pulumi.Output<number>;
  public readonly entities: Record<string, FasciaEntity> = {};
  public readonly tools: Record<string, FasciaTool> = {};

  constructor(name: string, args: FasciaDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FASCIA_DEPLOYMENT_TYPE, name, {}, opts);
    // 1. Validate and normalise everything before the first child.
    const resolved = resolveArgs(name, args, { providerConfig: gcpConfig, resource: this });
    const { report, tools, entities, policies, scheduled, image, secretValues, database, service, pool, exposure, auth, planHash: hash } = resolved;
    const needed = resolved.secretNames;
    const privateNetwork = database.privateNetwork;
    const project = pulumi.output(resolved.project);
    const region = pulumi.output(resolved.region);
    const base = slug(name);
    const child = { parent: this };

    // 2. APIs.
    const apis = requiredApis({ scheduled, privateNetwork: privateNetwork !== undefined }).map(
      (api) => new ProjectService(childName(name, `api-${apiShortName(api)}`), { project, service: api, disableOnDestroy: false }, child),
    );
    const afterApis = { parent: this, dependsOn: apis };

    // 3. Identities.
    const runtime = new Account(childName(name, "runtime-sa"), { project, accountId: boundedId(base, "run", SERVICE_ACCOUNT_ID), displayName: `Fascia executor of ${name}` }, afterApis);
    const runtimeMember = runtime.email.apply(serviceAccountMember);
    const projectGrants = RUNTIME_PROJECT_ROLES.map((role) => new IAMMember(childName(name, `runtime-${role.replace(/^roles\//, "").replace(/\./g, "-")}`), { project, role, member: runtimeMember }, child));
    const scheduler = scheduled
      ? new Account(childName(name, "scheduler-sa"), { project, accountId: boundedId(base, "sched", SERVICE_ACCOUNT_ID), displayName: `Fascia scheduler of ${name}` }, afterApis)
      : undefined;

    // 4. Database.
    const deletionProtection = database.deletionProtection;
    const instance = new DatabaseInstance(
      childName(name, "db"),
      {
        project,
        region,
        databaseVersion: "POSTGRES_15",
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
          userLabels: { "managed-by": "fascia", "fascia-app": base },
        },
      },
      afterApis,
    );
    const dbName = pgIdentifier(name);
    const dbUser = `${dbName}_executor`.slice(0, 63);
    const databaseRes = new Database(childName(name, "database"), { project, instance: instance.name, name: dbName }, child);
    const password = new RandomPassword(childName(name, "db-password"), { length: 32, special: false }, child);
    const user = new User(childName(name, "db-user"), { project, instance: instance.name, name: dbUser, password: password.result }, child);

    // 5. Secrets: the database password and every secret the specs name, each readable by the runtime account alone.
    const secretRefs = new Map<string, SecretRef<pulumi.Input<string>>>();
    const secretResources: pulumi.Resource[] = [];
    const makeSecret = (key: string, secretId: string, value: pulumi.Input<string>) => {
      const secret = new Secret(childName(name, `secret-${key}`), { project, secretId, replication: { auto: {} }, labels: { "managed-by": "fascia", "fascia-app": base } }, afterApis);
      const version = new SecretVersion(childName(name, `secret-${key}-version`), { secret: secret.id, secretData: pulumi.secret(value) }, child);
      const grant = new SecretIamMember(childName(name, `secret-${key}-accessor`), { project, secretId: secret.secretId, role: ROLES.secretAccessor, member: runtimeMember }, child);
      secretResources.push(version, grant);
      return { secret: secret.secretId, version: version.version } as SecretRef<pulumi.Input<string>>;
    };
    const grants = runtimeSecretGrants(["db-password", ...needed]);
    const passwordRef = makeSecret("db-password", boundedId(base, "db-password", SECRET_ID), password.result);
    for (const grant of grants) {
      if (grant.key === "db-password") continue;
      secretRefs.set(grant.key, makeSecret(grant.key, specSecretId(base, grant.key), secretValues[grant.key]!));
    }

    // 6. Artifact Registry for the executor images.
    new Repository(childName(name, "images"), { project, location: region, repositoryId: boundedId(base, "images", REPOSITORY_ID), format: "DOCKER", description: `Executor images of Fascia app ${name}` }, afterApis);

    // 7. The executor's environment, shared by the migration job and the service.
    const envFor = (run: "serve" | "migrate", poolMax: number) =>
      toRunEnv(
        executorEnv<pulumi.Input<string>>(
          {
            socketDir: pulumi.interpolate`${CLOUDSQL_MOUNT_PATH}/${instance.connectionName}`,
            databaseName: databaseRes.name,
            databaseUser: user.name,
            passwordSecret: passwordRef,
            poolMax,
            secrets: secretRefs,
            auth,
            ...(scheduler ? { schedulerServiceAccount: scheduler.email } : {}),
            ...(resolved.paymentsBaseUrl !== undefined ? { paymentsBaseUrl: resolved.paymentsBaseUrl } : {}),
            project,
            planHash: hash,
            run,
          },
          (s) => s,
        ),
      );
    const cloudSqlVolume = { name: "cloudsql", cloudSqlInstance: { instances: [instance.connectionName] } };
    const cloudSqlMount = { name: "cloudsql", mountPath: CLOUDSQL_MOUNT_PATH };
    const vpcAccess = privateNetwork !== undefined ? { networkInterfaces: [{ network: privateNetwork, subnetwork: database.privateSubnetwork }], egress: "PRIVATE_RANGES_ONLY" } : undefined;
    const runsAfter = [user, databaseRes, ...projectGrants, ...secretResources];

    // 8. Migrations: a Cloud Run job executed once per plan (the token is the plan hash), to
    // completion, before the service may change; one task, no parallelism, no retries.
    const migrate = new RunJob(
      childName(name, "migrate"),
      {
        project,
        location: region,
        name: boundedId(base, "migrate", MIGRATION_JOB_ID),
        deletionProtection: false,
        runExecutionToken: hash.slice(0, 16),
        template: {
          taskCount: 1,
          parallelism: 1,
          template: {
            serviceAccount: runtime.email,
            maxRetries: 0,
            timeout: "900s",
            volumes: [cloudSqlVolume],
            ...(vpcAccess ? { vpcAccess } : {}),
            containers: [{ image, envs: envFor("migrate", 1), volumeMounts: [cloudSqlMount] }],
          },
        },
      },
      { parent: this, dependsOn: runsAfter },
    );

    // 9. The executor service.
    const run = new RunService(
      childName(name, "executor"),
      {
        project,
        location: region,
        ingress: exposure.ingress,
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
              image,
              ports: { containerPort: 8080 },
              resources: { limits: { cpu: service.cpu, memory: service.memory } },
              envs: envFor("serve", pool.poolMax),
              volumeMounts: [cloudSqlMount],
            },
          ],
        },
      },
      { parent: this, dependsOn: [migrate, ...runsAfter] },
    );
    for (const member of exposure.invokers) {
      new ServiceIamMember(childName(name, `invoker-${member === "allUsers" ? "public" : slug(member)}`), { project, location: region, name: run.name, role: ROLES.runInvoker, member }, child);
    }
    if (scheduler) {
      new ServiceIamMember(childName(name, "invoker-scheduler"), { project, location: region, name: run.name, role: ROLES.runInvoker, member: scheduler.email.apply(serviceAccountMember) }, child);
    }

    // 10. One component per entity and tool.
    for (const entity of entities) {
      this.entities[entity.name] = new FasciaEntity(childName(name, `entity-${slug(entity.name)}`), { spec: entity, entities }, { parent: this, dependsOn: [migrate] });
    }
    for (const tool of tools) {
      this.tools[tool.name] = new FasciaTool(
        childName(name, `tool-${slug(tool.name)}`),
        { spec: tool, entities, policies, serviceUrl: run.uri, ...(scheduler && tool.trigger.schedule ? { scheduler: { serviceAccountEmail: scheduler.email, region, project } } : {}) },
        { parent: this },
      );
    }

    this.serviceUrl = run.uri;
    this.connectionName = instance.connectionName;
    this.riskReport = pulumi.output(report);
    this.riskLevels = pulumi.output(Object.fromEntries(report.tools.map((t) => [t.name, t.risk])));
    this.endpoints = pulumi.all(Object.entries(this.tools).map(([toolName, t]) => pulumi.all([t.method, t.endpoint]).apply(([m, e]) => [toolName, `${m} ${e ?? ""}`] as const))).apply((pairs) => Object.fromEntries(pairs));
    this.migrationPlan = pulumi.all(Object.entries(this.entities).map(([entityName, e]) => e.migration.apply((m) => [entityName, m] as const))).apply((pairs) => Object.fromEntries(pairs));
    this.planHash = pulumi.output(hash);
    this.databasePoolMax = pulumi.output(pool.poolMax);
    this.registerOutputs({
      serviceUrl: this.serviceUrl,
      endpoints: this.endpoints,
      riskLevels: this.riskLevels,
      connectionName: this.connectionName,
      riskReport: this.riskReport,
      migrationPlan: this.migrationPlan,
      planHash: this.planHash,
      databasePoolMax: this.databasePoolMax,
    });
  }

}

function toRunEnv(entries: EnvEntry<pulumi.Input<string>>[]) {
  return entries.map((e) => ("secretRef" in e ? { name: e.name, valueSource: { secretKeyRef: { secret: e.secretRef.secret, version: e.secretRef.version } } } : { name: e.name, value: e.value }));
}
