/**
 * How `fascia chat` shows a turn in the terminal: the reply, then a proposal's documents each with
 * its unified diff, and the risk change once (tool levels before → after, the findings it adds, the
 * migration steps with their levels), all as the loader, compiler and Risk Engine reported them.
 */
import type { AssistantTurn, Proposal, ProposedDocument } from "../../assistant/proposal";

export function turnText(turn: AssistantTurn): string {
  const parts = [turn.reply.trim() === "" ? "(no reply)" : turn.reply.trim()];
  if (turn.proposal) parts.push(proposalText(turn.proposal));
  return parts.join("\n\n");
}

export function proposalText(proposal: Proposal): string {
  const rounds = `${proposal.rounds} ${proposal.rounds === 1 ? "round" : "rounds"}`;
  if (proposal.status === "failed") {
    const lines = [`Proposal failed (${rounds}): ${proposal.failure ?? "not valid"}. Nothing is offered for acceptance.`];
    for (const d of proposal.diagnostics)
      lines.push(`  ${d.file}${d.line !== undefined ? `:${d.line}` : ""}: ${d.code ? `${d.code} ` : ""}${d.message}`);
    return lines.join("\n");
  }
  const lines = [
    `Proposal (valid after ${rounds}): ${proposal.documents.length} ${proposal.documents.length === 1 ? "document" : "documents"}`,
  ];
  for (const doc of proposal.documents) lines.push("", documentHeading(doc), doc.diff.trimEnd());
  lines.push("", riskText(proposal));
  return lines.join("\n");
}

export function documentHeading(doc: ProposedDocument): string {
  return `── ${doc.action} ${doc.kind} ${doc.name} (${doc.file}${doc.docIndex > 0 ? `, document ${doc.docIndex + 1}` : ""})`;
}

function riskText({ risk }: Proposal): string {
  const lines = ["Risk change (Risk Engine):"];
  if (risk.tools.length === 0) lines.push("  tool levels: unchanged");
  for (const t of risk.tools) lines.push(`  tool ${t.tool}: ${t.before ?? "(none)"} → ${t.after ?? "(removed)"}`);
  for (const f of risk.newFindings) lines.push(`  new finding ${f.tool} ${f.rule} (${f.level}): ${f.message}`);
  if (risk.migration.length === 0) lines.push("  migration: none");
  else lines.push("  migration:", ...risk.migration.map((s) => `    [${s.level}] ${s.summary}`));
  return lines.join("\n");
}
