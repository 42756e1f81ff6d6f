/**
 * A tool's flow as a Mermaid flowchart: scopes as nested subgraphs, branch labels on edges, and
 * each node marked with its findings (red, yellow, or acknowledged yellow). Mermaid ids are
 * prefixed (`n_`, `s_`) because words like `end` are keywords there; labels are quoted and escaped.
 */
import type { ToolAssessment } from "../engine";
import type { Finding } from "../rule";

const CLASS_DEFS = [
  "classDef red fill:#fde2e2,stroke:#c0392b,stroke-width:2px,color:#000",
  "classDef yellow fill:#fff4cc,stroke:#b7950b,stroke-width:2px,color:#000",
  "classDef acknowledged fill:#f4f4f4,stroke:#b7950b,stroke-dasharray:4 2,color:#000",
];

function escape(text: string): string {
  return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

function mark(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.level === "red" ? "⛔" : f.acknowledged ? "✔" : "⚠"} ${f.rule}`).join(" ");
}

export function flowMermaid(assessment: ToolAssessment): string {
  const { plan, scopes } = assessment.compiled;
  const byNode = new Map<string, Finding[]>();
  for (const f of assessment.findings) if (f.node !== undefined) byNode.set(f.node, [...(byNode.get(f.node) ?? []), f]);
  const toolLevel = assessment.findings.filter((f) => f.node === undefined || !plan.nodes[f.node]);

  // The title (Mermaid front matter) carries the tool's level and its tool-level marks, which no node can.
  const title = `${assessment.name}: ${assessment.risk}${assessment.deployable ? "" : " (not deployable)"}${toolLevel.length > 0 ? ` · tool: ${mark(toolLevel)}` : ""}`;
  const lines: string[] = ["---", `title: ${JSON.stringify(title)}`, "---", "flowchart TD"];
  for (const f of toolLevel) lines.push(`  %% ${f.rule} ${f.level}${f.acknowledged ? " (acknowledged)" : ""}: ${f.message}`);

  const nodeLine = (id: string, indent: string) => {
    const node = plan.nodes[id]!;
    const detail = node.spec.type === "read" || node.spec.type === "write" ? ` ${node.spec.entity}` : "";
    const marks = mark(byNode.get(id) ?? []);
    const label = `${id}<br/>${node.type}${detail}${marks ? `<br/>${marks}` : ""}`;
    const shape = node.type === "if" || node.type === "switch" ? [`{"`, `"}`] : [`["`, `"]`];
    lines.push(`${indent}n_${id}${shape[0]}${escape(label).replace(/#lt;br\/#gt;/g, "<br/>")}${shape[1]}`);
  };
  const emitScope = (id: string, indent: string) => {
    const scope = scopes.scopes.get(id)!;
    const tx = plan.transactions.find((t) => t.id === id);
    const title = tx ? `transaction ${id} (${tx.isolation})` : `retry ${id}`;
    lines.push(`${indent}subgraph s_${id}["${escape(title)}"]`);
    for (const child of scope.children) emitScope(child, `${indent}  `);
    const direct = plan.order.filter((n) => (scopes.enclosing.get(n) ?? [])[0] === id);
    for (const n of direct) nodeLine(n, `${indent}  `);
    lines.push(`${indent}end`);
  };
  for (const root of scopes.roots) emitScope(root, "  ");
  for (const id of plan.order) if ((scopes.enclosing.get(id) ?? []).length === 0) nodeLine(id, "  ");
  for (const e of plan.edges) {
    lines.push(e.when === undefined ? `  n_${e.from} --> n_${e.to}` : `  n_${e.from} -- "${escape(String(e.when))}" --> n_${e.to}`);
  }
  lines.push(...CLASS_DEFS.map((d) => `  ${d}`));
  for (const [id, findings] of byNode) {
    if (!plan.nodes[id]) continue;
    const cls = findings.some((f) => f.level === "red") ? "red" : findings.some((f) => !f.acknowledged) ? "yellow" : "acknowledged";
    lines.push(`  class n_${id} ${cls}`);
  }
  return lines.join("\n") + "\n";
}
