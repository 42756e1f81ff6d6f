/**
 * Fascia's CrossGuard policies, for organisations that enforce policy centrally
 * (`pulumi preview --policy-pack`, or a pack published to Pulumi Cloud): the components already
 * refuse what these refuse, and the pack refuses it again wherever the components ran — another
 * Fascia version, a program in any language, a stack whose owner disabled nothing.
 *
 * - `fascia-tool-risk` (mandatory): a `fascia:index:FasciaTool` whose tool is Red, or Yellow with
 *   an unacknowledged finding, is a violation carrying the report (rule ids, nodes, hints).
 * - `fascia-tool-acknowledged-findings` (advisory): an acknowledged Yellow tool deploys, with its
 *   findings and their reasons shown as an advisory message.
 * - `fascia-deployment-risk-levels` (mandatory, stack): no FasciaDeployment or FasciaTool in the
 *   stack may report a Red tool.
 *
 * Only types are imported from @pulumi/policy: the pack (examples/policy-pack) brings the SDK.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { ComponentToken } from "../components/registry";
import { judgeTool, redTools, type ToolProps } from "./tool-risk";

// The tokens as types only: the pack's process never loads the components (nor @pulumi/gcp) to match them.
const FASCIA_TOOL_TYPE: ComponentToken = "fascia:index:FasciaTool";
const FASCIA_DEPLOYMENT_TYPE: ComponentToken = "fascia:index:FasciaDeployment";

export const toolRiskPolicy: ResourceValidationPolicy = {
  name: "fascia-tool-risk",
  description:
    "Fascia tools deploy only when Green, or Yellow with every finding acknowledged (the Risk Engine's rules R001–R007, Y001–Y009).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== FASCIA_TOOL_TYPE) return;
    const props = args.props as ToolProps;
    const verdict = judgeTool(props);
    if (verdict.kind === "invalid") reportViolation(verdict.message);
    else if (verdict.kind === "governed" && verdict.governance.verdict === "refuse") reportViolation(verdict.governance.message!);
    // Not known yet (preview): the component's own report, when it gave one, still counts.
    else if (verdict.kind === "unknown" && props.riskReport?.deployable === false)
      reportViolation(`tool ${props.riskReport.name} may not deploy: it is ${props.riskReport.risk.toUpperCase()}`);
  },
};

export const acknowledgedFindingsPolicy: ResourceValidationPolicy = {
  name: "fascia-tool-acknowledged-findings",
  description: "Shows the acknowledged Yellow findings of Fascia tools, with the reasons given.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (args.type !== FASCIA_TOOL_TYPE) return;
    const verdict = judgeTool(args.props as ToolProps);
    if (verdict.kind === "governed" && verdict.governance.verdict === "warn") reportViolation(verdict.governance.message!);
  },
};

export const deploymentRiskLevelsPolicy: StackValidationPolicy = {
  name: "fascia-deployment-risk-levels",
  description: "No Fascia deployment or tool in the stack reports a Red tool.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    for (const resource of args.resources) {
      const red = redOf(resource);
      if (red.length > 0)
        reportViolation(`${resource.name}: Red ${red.length === 1 ? "tool" : "tools"} ${red.join(", ")} may not deploy`, resource.urn);
    }
  },
};

function redOf(resource: PolicyResource): string[] {
  if (resource.type === FASCIA_DEPLOYMENT_TYPE) return redTools(resource.props.riskLevels);
  if (resource.type === FASCIA_TOOL_TYPE && resource.props.risk === "red") return [String(resource.props.toolName)];
  return [];
}

/** The pack's policies, in the order they run. */
export const fasciaPolicies = [toolRiskPolicy, acknowledgedFindingsPolicy, deploymentRiskLevelsPolicy];
