/**
 * FasciaTool: one Tool of the app, governed at preview. Its risk is assessed by the Risk Engine
 * when the component is constructed; Red, or Yellow with an unacknowledged finding, throws a
 * ResourceError carrying the report (rule ids, nodes, hints), which fails `pulumi preview`;
 * an acknowledged Yellow logs a warning. A scheduled tool gets its Cloud Scheduler job, calling
 * the executor with an OIDC token of the scheduler's service account, audience set explicitly:
 * `scheduler.audience`, the URL the executor checks tokens against (FASCIA_SCHEDULER_AUDIENCE),
 * else `serviceUrl`.
 */
import * as pulumi from "@pulumi/pulumi";
import { Job } from "@pulumi/gcp/cloudscheduler";
import { toolRiskJson, type ToolRiskJson } from "../risk/report/json";
import type { RiskLevel } from "../risk/rule";
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import { attemptDeadline } from "./durations";
import { assessToolIn, governTool, type ToolGovernance } from "./governance";
import { knownNow } from "./inputs";
import { childName } from "./naming";
import { joinUrl } from "./urls";
import { toolRoute, type ToolRoute } from "../contracts/routes";
import { specInContext } from "./spec-input";

export const FASCIA_TOOL_TYPE = "fascia:index:FasciaTool";

export interface FasciaToolSchedulerArgs {
  /** The scheduler's service account: the only identity allowed to run scheduled tools. */
  serviceAccountEmail: pulumi.Input<string>;
  /** Cloud Scheduler region (the service's); default the gcp provider's region, like `project`. */
  region?: pulumi.Input<string>;
  /** Default: the gcp provider's project (an explicit provider given to this component, or `gcp:project`). */
  project?: pulumi.Input<string>;
  /**
   * The audience of the job's OIDC token: exactly the executor's FASCIA_SCHEDULER_AUDIENCE, which
   * it checks tokens against. Default `serviceUrl`. FasciaDeployment passes the service's
   * deterministic URL, which it also gives the executor.
   */
  audience?: pulumi.Input<string>;
}

export interface FasciaToolArgs {
  /** The Tool spec, the same object as its YAML document. */
  spec: pulumi.Input<ToolSpec>;
  /** The Entity specs the tool's flow reads and writes. */
  entities?: pulumi.Input<EntitySpec[]>;
  /** The Policy specs the tool names. */
  policies?: pulumi.Input<PolicySpec[]>;
  /** The executor's URL: gives the tool's endpoint, and is the scheduler's target and audience. */
  serviceUrl?: pulumi.Input<string>;
  /** Required for a scheduled tool. */
  scheduler?: pulumi.Input<FasciaToolSchedulerArgs>;
}

interface Governed {
  spec: ToolSpec;
  report: ToolRiskJson;
  route: ToolRoute;
}

/** A tool assessed in its context, before anything is registered: pure, no resource involved. */
type Assessed = { kind: "invalid"; message: string } | { kind: "assessed"; spec: ToolSpec; governance: ToolGovernance };

function assess(name: string, spec: ToolSpec, entities: EntitySpec[], policies: PolicySpec[]): Assessed {
  let specs;
  try {
    specs = specInContext(spec, [...entities, ...policies], `FasciaTool ${name}`);
  } catch (error) {
    return { kind: "invalid", message: (error as Error).message };
  }
  const toolName = (spec as { name: string }).name;
  const governance = governTool(assessToolIn(specs, toolName));
  return { kind: "assessed", spec: specs.tools.get(toolName)!.spec, governance };
}

/**
 * What the component registers as its inputs, for resource policies (CrossGuard) to read: the
 * spec in its context, so a central policy can assess it with the same rule catalogue, and, when
 * the spec is known, the tool's name, risk and report as this component found them.
 */
export interface FasciaToolPolicyView {
  spec: pulumi.Input<ToolSpec>;
  entities: pulumi.Input<EntitySpec[]>;
  policies: pulumi.Input<PolicySpec[]>;
  toolName?: string;
  risk?: RiskLevel;
  riskReport?: ToolRiskJson;
}

function policyView(args: FasciaToolArgs, now: Assessed | undefined): FasciaToolPolicyView {
  const context = { spec: args.spec, entities: args.entities ?? [], policies: args.policies ?? [] };
  if (now?.kind !== "assessed") return context;
  const report = toolRiskJson(now.governance.assessment);
  return { ...context, toolName: now.spec.name, risk: report.risk, riskReport: report };
}

export class FasciaTool extends pulumi.ComponentResource {
  public readonly toolName: pulumi.Output<string>;
  /** green, yellow or red (a component that exists is never red: red throws). */
  public readonly risk: pulumi.Output<RiskLevel>;
  /** This tool's entry of the JSON risk report. */
  public readonly riskReport: pulumi.Output<ToolRiskJson>;
  public readonly method: pulumi.Output<string>;
  public readonly path: pulumi.Output<string>;
  /** `https://…/path` once the service URL is known. */
  public readonly endpoint: pulumi.Output<string | undefined>;
  /** The Cloud Scheduler job of a scheduled tool. */
  public readonly schedulerJob?: Job;

  constructor(name: string, args: FasciaToolArgs, opts?: pulumi.ComponentResourceOptions) {
    const spec = knownNow(args.spec);
    const entities = knownNow(args.entities);
    const policies = knownNow(args.policies);
    // Assessed before the component registers, so what a resource policy needs goes with its registration.
    const now =
      spec.known && entities.known && policies.known ? assess(name, spec.value, entities.value ?? [], policies.value ?? []) : undefined;
    super(FASCIA_TOOL_TYPE, name, policyView(args, now), opts);
    let governed: pulumi.Output<Governed>;
    if (now !== undefined) {
      const settled = this.settle(now);
      governed = pulumi.output(settled);
      this.schedulerJob = this.scheduleIfNeeded(name, settled.spec, args);
    } else {
      // Known only at deploy time: governed when the value resolves (see docs/deploy.md).
      governed = pulumi.all([args.spec, args.entities ?? [], args.policies ?? []]).apply(([s, e, p]) => {
        const settled = this.settle(assess(name, s as ToolSpec, e as EntitySpec[], p as PolicySpec[]));
        // Its Cloud Scheduler job would have to be created from a value known only now: refused, never silently missing.
        if (settled.spec.trigger.schedule)
          throw new pulumi.ResourceError(
            `tool ${settled.spec.name} is scheduled: its \`spec\`, \`entities\` and \`policies\` must be plain values, known when the program runs, to create its Cloud Scheduler job`,
            this,
            true,
          );
        return settled;
      });
    }
    this.toolName = governed.apply((g) => g.spec.name);
    this.riskReport = governed.apply((g) => g.report);
    this.risk = governed.apply((g) => g.report.risk);
    this.method = governed.apply((g) => g.route.method);
    this.path = governed.apply((g) => g.route.path);
    this.endpoint = pulumi
      .all([governed, args.serviceUrl])
      .apply(([g, url]) => (url === undefined ? undefined : joinUrl(url, g.route.path)));
    this.registerOutputs({
      toolName: this.toolName,
      risk: this.risk,
      riskReport: this.riskReport,
      method: this.method,
      path: this.path,
      endpoint: this.endpoint,
    });
  }

  /** The assessment made the component's: a refusal or invalid specs throw on it, an acknowledged Yellow warns on it. */
  private settle(assessed: Assessed): Governed {
    if (assessed.kind === "invalid") throw new pulumi.ResourceError(assessed.message, this, true);
    const { governance, spec } = assessed;
    if (governance.verdict === "refuse") throw new pulumi.ResourceError(governance.message!, this, true);
    if (governance.verdict === "warn") void pulumi.log.warn(governance.message!, this);
    return { spec, report: toolRiskJson(governance.assessment), route: toolRoute(spec) };
  }

  private scheduleIfNeeded(name: string, spec: ToolSpec, args: FasciaToolArgs): Job | undefined {
    const schedule = spec.trigger.schedule;
    if (!schedule) return undefined;
    if (args.scheduler === undefined || args.serviceUrl === undefined) {
      throw new pulumi.InputPropertyError({
        propertyPath: "scheduler",
        reason: `tool ${spec.name} is scheduled: \`scheduler\` and \`serviceUrl\` are required to create its Cloud Scheduler job`,
      });
    }
    const scheduler = pulumi.output(args.scheduler);
    const url = pulumi.output(args.serviceUrl);
    const audience = pulumi.all([scheduler.audience, url]).apply(([given, serviceUrl]) => given ?? serviceUrl);
    const route = toolRoute(spec);
    return new Job(
      childName(name, "schedule"),
      {
        description: `Fascia scheduled tool ${spec.name}`,
        region: scheduler.region,
        project: scheduler.project,
        schedule: schedule.cron,
        timeZone: schedule.timezone ?? "Etc/UTC",
        attemptDeadline: attemptDeadline(spec),
        // The executor retries inside the run; a second delivery would be a second run.
        retryConfig: { retryCount: 0 },
        httpTarget: {
          uri: url.apply((u) => joinUrl(u, route.path)),
          httpMethod: route.method,
          headers: { "Content-Type": "application/json" },
          body: Buffer.from("{}").toString("base64"),
          oidcToken: { serviceAccountEmail: scheduler.serviceAccountEmail, audience },
        },
      },
      { parent: this },
    );
  }
}
