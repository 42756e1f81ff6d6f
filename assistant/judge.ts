/**
 * The verdict on an app's files as a proposal would leave them: the loader's diagnostics, each
 * tool compiled and judged by the Risk Engine, the migration the change needs as `fascia plan
 * --from` plans it, all compared with the app as it is. The assistant sends the problems back to
 * the model; the person sees the risk change. Nothing here is the assistant's own opinion: every
 * level and finding is the Risk Engine's, every step the migration planner's.
 */
import type { Diagnostic } from "../loader/diagnostics";
import { loadSpecSources, type LoadResult } from "../loader/load";
import { entityList } from "../loader/model";
import { compileTool } from "../compiler/flow/compile";
import { planMigration } from "../compiler/migrations";
import { assessTool, entityMap, type ToolAssessment } from "../risk/engine";
import type { RiskLevel } from "../risk/rule";
import type { MigrationStepView, NewFinding, ProposalDiagnostic, ToolRiskChange } from "./proposal";

export type AppFiles = ReadonlyMap<string, string>;

export interface Verdict {
  /** Loads, compiles, and no tool is Red. */
  ok: boolean;
  /** In words, when not ok. */
  failure?: string;
  diagnostics: ProposalDiagnostic[];
  /** The Red findings that block it, with the Risk Engine's hints (for the model's repair). */
  redFindings: (NewFinding & { file: string; hint: string; node?: string })[];
  risk: { tools: ToolRiskChange[]; newFindings: NewFinding[]; migration: MigrationStepView[] };
}

/** The app's assessments, one per tool; a tool the compiler refuses becomes a diagnostic instead. */
interface Assessed {
  load: LoadResult;
  tools: Map<string, ToolAssessment>;
  compileErrors: ProposalDiagnostic[];
}

export function judge(before: AppFiles, after: AppFiles): Verdict {
  const now = assess(before);
  const next = assess(after);
  const diagnostics = [...next.load.diagnostics.map(toProposalDiagnostic), ...next.compileErrors];
  const names = [...new Set([...now.tools.keys(), ...next.tools.keys(), ...next.load.specs.tools.keys()])].sort();
  const tools = names
    .map((tool): ToolRiskChange => ({ tool, before: now.tools.get(tool)?.risk ?? null, after: next.tools.get(tool)?.risk ?? null }))
    .filter((change) => change.before !== change.after || !now.tools.has(change.tool));
  const newFindings: NewFinding[] = [];
  for (const [tool, assessment] of next.tools) {
    const known = new Set((now.tools.get(tool)?.findings ?? []).map(findingKey));
    for (const f of assessment.findings) {
      if (known.has(findingKey(f)) || f.acknowledged) continue;
      newFindings.push({ tool, rule: f.rule, level: f.level, message: f.message });
    }
  }
  const migration = migrationSteps(now.load, next.load, diagnostics);
  const redFindings = [...next.tools.entries()].flatMap(([tool, a]) =>
    a.findings
      .filter((f) => f.level === "red")
      .map((f) => ({
        tool,
        file: next.load.specs.tools.get(tool)?.doc.file ?? "",
        rule: f.rule,
        level: f.level,
        message: f.message,
        hint: f.hint,
        ...(f.node !== undefined ? { node: f.node } : {}),
      })),
  );
  const redTools = [...new Set(redFindings.map((f) => f.tool))];
  const failure =
    diagnostics.length > 0
      ? `the specs do not load: ${diagnostics.length} ${diagnostics.length === 1 ? "problem" : "problems"}`
      : redTools.length > 0
        ? `${redTools.length === 1 ? "tool" : "tools"} ${redTools.join(", ")} ${redTools.length === 1 ? "is" : "are"} Red (blocked by the Risk Engine)`
        : undefined;
  return {
    ok: failure === undefined,
    ...(failure !== undefined ? { failure } : {}),
    diagnostics,
    redFindings,
    risk: { tools, newFindings, migration },
  };
}

function assess(files: AppFiles): Assessed {
  const load = loadSpecSources([...files].map(([file, text]) => ({ file, text })));
  const tools = new Map<string, ToolAssessment>();
  const compileErrors: ProposalDiagnostic[] = [];
  // With diagnostics the specs may be half-checked: judge only tools whose file is clean, as the studio does.
  const dirty = new Set(load.diagnostics.map((d) => d.file));
  const entities = entityMap(load.specs);
  for (const [name, located] of load.specs.tools) {
    if (dirty.has(located.doc.file)) continue;
    try {
      tools.set(name, assessTool(compileTool(located.spec, entities)));
    } catch (error) {
      compileErrors.push({ file: located.doc.file, message: `tool ${name} does not compile: ${(error as Error).message}` });
    }
  }
  return { load, tools, compileErrors };
}

/** The migration from the app's entities to the proposal's, each step with its worst schema finding's level. */
function migrationSteps(now: LoadResult, next: LoadResult, diagnostics: ProposalDiagnostic[]): MigrationStepView[] {
  if (!next.ok) return [];
  const plan = planMigration(entityList(now.specs), entityList(next.specs));
  for (const problem of plan.problems) diagnostics.push({ file: "(schema)", message: `${problem.entity}: ${problem.message}` });
  return plan.steps.map((step) => ({ summary: step.summary, level: worst(step.findings.map((f) => f.level)) }));
}

function worst(levels: readonly RiskLevel[]): RiskLevel {
  return levels.includes("red") ? "red" : levels.includes("yellow") ? "yellow" : "green";
}

function findingKey(f: { rule: string; node?: string; message: string }): string {
  return `${f.rule}\u0000${f.node ?? ""}\u0000${f.message}`;
}

/** The loader starts a message about a field with the field's path (`flow.nodes[2].condition: …`). */
const FIELD_PATH = /^([A-Za-z_$][\w$]*(?:\.[\w$]+|\[\d+\])*): /;

function toProposalDiagnostic(d: Diagnostic): ProposalDiagnostic {
  const path = FIELD_PATH.exec(d.message)?.[1];
  return { file: d.file, line: d.line, ...(path !== undefined ? { path } : {}), code: d.code, message: d.message };
}
