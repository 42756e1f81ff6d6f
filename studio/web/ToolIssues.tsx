/** The tool's problems and findings that no drawn node carries (a file that does not parse, a tool-wide rule), above the canvas. */
import type { ToolView } from "../protocol";

export function ToolIssues(props: { view: ToolView; onOpen(tab: "findings" | "yaml"): void }) {
  const drawn = new Set([...props.view.nodes.map((n) => n.id), ...props.view.scopes.map((s) => s.id)]);
  const problems = props.view.problems.filter((p) => !p.node || !drawn.has(p.node));
  const findings = props.view.findings.filter((f) => !f.node || !drawn.has(f.node));
  if (problems.length === 0 && findings.length === 0) return null;
  const shown = [
    ...problems.map((p) => ({ level: "invalid", code: p.code, where: `line ${p.line}`, message: p.message, hint: p.hint })),
    ...findings.map((f) => ({ level: f.level, code: f.rule, where: f.acknowledged ? "acknowledged" : "whole tool", message: f.message, hint: f.hint })),
  ];
  return (
    <div className="tool-issues" data-testid="tool-issues">
      {shown.slice(0, 3).map((issue, i) => (
        <div key={i} className={`tool-issue risk-${issue.level}`}>
          <code className="rule">{issue.code}</code>
          <span className="where">{issue.where}</span>
          <span className="message">{issue.message}</span>
          {issue.hint && <span className="hint">{issue.hint}</span>}
        </div>
      ))}
      <div className="tool-issues-actions">
        {shown.length > 3 && (
          <button className="link" onClick={() => props.onOpen("findings")}>
            and {shown.length - 3} more
          </button>
        )}
        {problems.length > 0 && (
          <button className="link" onClick={() => props.onOpen("yaml")}>
            Fix it in the YAML view
          </button>
        )}
      </div>
    </div>
  );
}
