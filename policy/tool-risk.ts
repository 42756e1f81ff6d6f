/**
 * The verdicts a central policy gives on what Fascia's components register, from the same rule
 * catalogue the components apply (risk/, through components/governance.ts): no rule is copied.
 * Pure: no Pulumi or policy SDK at run time, so the pack and its tests call it directly.
 */
import { assessToolIn, governTool, type ToolGovernance } from "../components/governance";
import { specInContext } from "../components/spec-input";
import type { ToolRiskJson } from "../risk/report/json";

/** What FasciaTool registers (components/fascia-tool.ts, FasciaToolPolicyView), as a policy reads it. */
export interface ToolProps {
  spec?: unknown;
  entities?: unknown[];
  policies?: unknown[];
  toolName?: string;
  risk?: string;
  riskReport?: ToolRiskJson;
}

export type ToolVerdict =
  | { kind: "governed"; governance: ToolGovernance }
  | { kind: "invalid"; message: string }
  /** Nothing to judge yet: the spec is not known (a preview with unknown inputs). */
  | { kind: "unknown" };

/** The engine's placeholder for a value not known at preview, as policies receive it. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function known(value: unknown): boolean {
  return value !== undefined && !JSON.stringify(value).includes(UNKNOWN);
}

/** The tool assessed again, independently of the component, in the context it registered. */
export function judgeTool(props: ToolProps): ToolVerdict {
  const { spec, entities = [], policies = [] } = props;
  if (!known(spec) || !known(entities) || !known(policies)) return { kind: "unknown" };
  const name = (spec as { name?: unknown }).name;
  try {
    const specs = specInContext(spec, [...entities, ...policies], `FasciaTool ${String(name)}`);
    return { kind: "governed", governance: governTool(assessToolIn(specs, String(name))) };
  } catch (error) {
    return { kind: "invalid", message: (error as Error).message };
  }
}

/** The risk levels a FasciaDeployment reports (its `riskLevels` output): tool → green, yellow or red. */
export function redTools(riskLevels: unknown): string[] {
  if (riskLevels === null || typeof riskLevels !== "object") return [];
  return Object.entries(riskLevels as Record<string, unknown>)
    .filter(([, level]) => level === "red")
    .map(([tool]) => tool)
    .sort();
}
