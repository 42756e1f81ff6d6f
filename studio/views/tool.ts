/**
 * A tool as the canvas draws it. Nodes, edges and scopes come from the loaded spec when the loader
 * accepts the tool, else from the YAML as written, so a broken tool still draws; each diagnostic is
 * put on the flow node whose lines it falls in, each finding on its node, the run order from the plan.
 */
import type { ToolAssessment } from "../../risk/engine";
import type { IndexedDocument } from "../app-index";
import type { StudioCheck } from "../check";
import type { FlowEdgeView, FlowNodeView, ScopeView, SpecProblem, ToolView } from "../protocol";
import { diagnosticsIn, riskFinding, specProblem, standing } from "./shared";

type RawNode = Record<string, unknown> & { id: string; type: string };

const SCOPE_TYPES = new Set(["transaction", "retry"]);

export function toolView(doc: IndexedDocument, yaml: string, check: StudioCheck): ToolView {
  const loaded = check.load().specs.tools.get(doc.name);
  const same = loaded && loaded.doc.file === doc.file && loaded.doc.index === doc.index;
  const assessment = same ? check.assessment(doc.name) : null;
  const flow = (same ? loaded.spec.flow : doc.value.flow) as { nodes?: unknown; edges?: unknown } | undefined;
  const written = writtenFlow(flow);

  const problems = diagnosticsIn(doc, check.load().diagnostics).map((d) => {
    const node = doc.nodeLines.find((n) => d.line >= n.lines[0] && d.line <= n.lines[1]);
    return specProblem(d, node?.id);
  });
  const findings = (assessment?.findings ?? []).map(riskFinding);
  const on = <T extends { node?: string }>(list: readonly T[], id: string) => list.filter((x) => x.node === id);
  const parents = scopeParents(written.scopes, assessment);
  const order = assessment?.compiled.plan.order ?? null;

  const nodes: FlowNodeView[] = written.nodes.map((spec) => ({
    id: spec.id,
    type: spec.type,
    spec,
    risk: standing(on(problems, spec.id), on(findings, spec.id)),
    findings: on(findings, spec.id),
    problems: on(problems, spec.id),
    scope: parents.get(spec.id) ?? null,
    step: order ? (order.indexOf(spec.id) === -1 ? null : order.indexOf(spec.id)) : null,
  }));
  const scopes: ScopeView[] = written.scopes.map((spec) => ({
    id: spec.id,
    type: spec.type as ScopeView["type"],
    members: Array.isArray(spec.nodes) ? spec.nodes.map(String) : [],
    parent: parents.get(spec.id) ?? null,
    spec,
    risk: standing(on(problems, spec.id), on(findings, spec.id)),
    findings: on(findings, spec.id),
    problems: on(problems, spec.id),
  }));
  return {
    name: doc.name,
    file: doc.file,
    yaml,
    risk: assessment ? assessment.risk : "invalid",
    deployable: assessment?.deployable ?? false,
    nodes,
    edges: written.edges,
    scopes,
    findings,
    problems: problems as SpecProblem[],
    plan: assessment?.compiled.plan ?? null,
  };
}

/** The flow's nodes (executable and scopes apart) and edges, keeping only entries that have the shape to draw. */
export function writtenFlow(flow: { nodes?: unknown; edges?: unknown } | undefined): {
  nodes: RawNode[];
  scopes: RawNode[];
  edges: FlowEdgeView[];
} {
  const all = (Array.isArray(flow?.nodes) ? flow.nodes : []).filter(
    (n): n is RawNode => n !== null && typeof n === "object" && typeof n.id === "string" && typeof n.type === "string",
  );
  const edges = (Array.isArray(flow?.edges) ? flow.edges : []).flatMap((e: { from?: unknown; to?: unknown; when?: unknown } | null) =>
    e && typeof e.from === "string" && typeof e.to === "string"
      ? [{ from: e.from, to: e.to, ...(e.when !== undefined && e.when !== null ? { when: String(e.when) } : {}) }]
      : [],
  );
  return { nodes: all.filter((n) => !SCOPE_TYPES.has(n.type)), scopes: all.filter((n) => SCOPE_TYPES.has(n.type)), edges };
}

/** The innermost scope around each node and scope: the compiler's scope tree, else the smallest scope that lists it. */
function scopeParents(scopes: readonly RawNode[], assessment: ToolAssessment | null): Map<string, string> {
  const parents = new Map<string, string>();
  if (assessment) {
    const tree = assessment.compiled.scopes;
    for (const [id, enclosing] of tree.enclosing) if (enclosing[0]) parents.set(id, enclosing[0]);
    for (const scope of tree.scopes.values()) if (scope.parent) parents.set(scope.id, scope.parent);
    return parents;
  }
  const size = (s: RawNode) => (Array.isArray(s.nodes) ? s.nodes.length : 0);
  for (const scope of [...scopes].sort((a, b) => size(b) - size(a))) {
    for (const member of Array.isArray(scope.nodes) ? scope.nodes : []) if (member !== scope.id) parents.set(String(member), scope.id);
  }
  return parents;
}
