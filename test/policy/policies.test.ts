/**
 * The CrossGuard policies under the policy SDK's own argument shapes, without the CLI: each
 * policy's `validateResource`/`validateStack` is called with the ResourceValidationArgs or
 * StackValidationArgs @pulumi/policy defines, and what it reports is collected. The props are
 * what the components register (FasciaTool: its spec in context, name, risk and report).
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { acknowledgedFindingsPolicy, deploymentRiskLevelsPolicy, fasciaPolicies, toolRiskPolicy } from "../../policy/policies";
import { ACKED_TOOL, GREEN_TOOL, ITEM, RED_TOOL, YELLOW_TOOL } from "../components/support/small-app";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource & ResourceValidationArgs {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::shop::${type}::${name}`,
    props,
    opts: {
      parent: undefined,
      dependsOn: [],
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    dependencies: [],
    propertyDependencies: {},
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason}`);
    },
  } as unknown as PolicyResource & ResourceValidationArgs;
}

async function violations(policy: ResourceValidationPolicy, args: ResourceValidationArgs): Promise<string[]> {
  const reported: string[] = [];
  const report: ReportViolation = (message) => void reported.push(message);
  const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const validate of validations) await validate(args, report);
  return reported;
}

async function stackViolations(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<{ message: string; urn?: string }[]> {
  const reported: { message: string; urn?: string }[] = [];
  const args = {
    resources,
    stackTags: new Map(),
    getConfig: <T>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason}`);
    },
  } as unknown as StackValidationArgs;
  await policy.validateStack(args, (message, urn) => void reported.push({ message, ...(urn !== undefined ? { urn } : {}) }));
  return reported;
}

const tool = (spec: unknown, extra: Record<string, unknown> = {}) =>
  resource("fascia:index:FasciaTool", "t", { spec, entities: [ITEM], policies: [], ...extra });

test("the pack: the tool policy and the stack policy are mandatory, the acknowledged findings advisory", () => {
  expect(fasciaPolicies.map((p) => [p.name, p.enforcementLevel])).toEqual([
    ["fascia-tool-risk", "mandatory"],
    ["fascia-tool-acknowledged-findings", "advisory"],
    ["fascia-deployment-risk-levels", "mandatory"],
  ]);
});

test("Red → a mandatory violation carrying the report; nothing advisory", async () => {
  const [message, ...more] = await violations(toolRiskPolicy, tool(RED_TOOL));
  expect(more).toEqual([]);
  expect(message).toContain("tool addItem may not deploy: it is RED (R001)");
  expect(message).toMatch(/R001 red at node create: .+\n\s+hint: /);
  expect(await violations(acknowledgedFindingsPolicy, tool(RED_TOOL))).toEqual([]);
});

test("Yellow with an unacknowledged finding → a mandatory violation", async () => {
  const reported = await violations(toolRiskPolicy, tool(YELLOW_TOOL));
  expect(reported).toHaveLength(1);
  expect(reported[0]).toMatch(/tool addItemNoTimeout may not deploy: it is YELLOW with 1 unacknowledged finding[\s\S]*Y005/);
});

test("acknowledged Yellow → no mandatory violation, an advisory message with the finding and its reason", async () => {
  expect(await violations(toolRiskPolicy, tool(ACKED_TOOL))).toEqual([]);
  const [advice, ...more] = await violations(acknowledgedFindingsPolicy, tool(ACKED_TOOL));
  expect(more).toEqual([]);
  expect(advice).toContain("tool addItemAcked is YELLOW, deployed with acknowledged findings");
  expect(advice).toMatch(/Y005 yellow at the tool: .+ \[acknowledged\]\n\s+hint: .+\n\s+reason: the caller's own deadline bounds it/);
});

test("Green → nothing from any policy", async () => {
  for (const policy of [toolRiskPolicy, acknowledgedFindingsPolicy]) expect(await violations(policy, tool(GREEN_TOOL))).toEqual([]);
});

test("the policy judges the spec itself, not the component's word: a Red spec registered as green is still Red", async () => {
  const reported = await violations(
    toolRiskPolicy,
    tool(RED_TOOL, { toolName: "addItem", risk: "green", riskReport: { name: "addItem", risk: "green", deployable: true, findings: [] } }),
  );
  expect(reported).toHaveLength(1);
  expect(reported[0]).toContain("R001");
});

test("a spec unknown at preview: judged by the component's report when it gave one, else left to the update", async () => {
  expect(await violations(toolRiskPolicy, tool(UNKNOWN))).toEqual([]);
  const reported = await violations(
    toolRiskPolicy,
    tool(UNKNOWN, { riskReport: { name: "addItem", risk: "red", deployable: false, findings: [] } }),
  );
  expect(reported).toEqual(["tool addItem may not deploy: it is RED"]);
});

test("an invalid spec is a violation with the loader's diagnostics", async () => {
  const [message] = await violations(toolRiskPolicy, tool({ ...(GREEN_TOOL as object), flow: { nodes: [{ id: "x", type: "nope" }] } }));
  expect(message).toMatch(/FasciaTool addItemGreen/);
});

test("other resource types are not the tool policies' business", async () => {
  expect(await violations(toolRiskPolicy, resource("gcp:sql/databaseInstance:DatabaseInstance", "db", { spec: RED_TOOL }))).toEqual([]);
});

test("the stack policy: a deployment or tool reporting a Red tool is a violation on that resource; green and yellow pass", async () => {
  const deployment = resource("fascia:index:FasciaDeployment", "app", {
    riskLevels: { addItem: "red", addItemGreen: "green", zeta: "red" },
  });
  const fine = resource("fascia:index:FasciaDeployment", "other", { riskLevels: { a: "green", b: "yellow" } });
  const redTool = resource("fascia:index:FasciaTool", "t", { toolName: "addItem", risk: "red" });
  expect(await stackViolations(deploymentRiskLevelsPolicy, [deployment, fine, redTool])).toEqual([
    { message: "app: Red tools addItem, zeta may not deploy", urn: deployment.urn },
    { message: "t: Red tool addItem may not deploy", urn: redTool.urn },
  ]);
  expect(await stackViolations(deploymentRiskLevelsPolicy, [fine])).toEqual([]);
});
