/**
 * The app in the studio against an earlier version (`--from DIR`): which tools and entities were
 * added, removed or changed (and which nodes and fields in them), the risk before and after, and the
 * migration between the two entity sets as `fascia plan --from` plans it (compiler/migrations).
 */
import { planMigration } from "../../compiler/migrations";
import { entityList } from "../../loader/model";
import type { LoadResult } from "../../loader/load";
import { compileTool } from "../../compiler/flow/compile";
import { assessTool, entityMap } from "../../risk/engine";
import type { Change, DiffView, Standing } from "../protocol";

export function diffView(from: string, before: LoadResult, after: LoadResult, standingNow: (tool: string) => Standing): DiffView {
  const standingBefore = (name: string): Standing => {
    const tool = before.specs.tools.get(name);
    if (!tool || before.diagnostics.some((d) => d.file === tool.doc.file)) return "invalid";
    return assessTool(compileTool(tool.spec, entityMap(before.specs))).risk;
  };

  const tools = changes(before.specs.tools, after.specs.tools).map(({ name, change }) => {
    const old = before.specs.tools.get(name)?.spec.flow.nodes ?? [];
    const now = after.specs.tools.get(name)?.spec.flow.nodes ?? [];
    return {
      name,
      change,
      before: change === "added" ? null : standingBefore(name),
      after: change === "removed" ? null : standingNow(name),
      nodes: keyed(new Map(old.map((n) => [n.id, n])), new Map(now.map((n) => [n.id, n]))).map(({ name: id, change: c }) => ({
        id,
        change: c,
      })),
    };
  });
  const entities = changes(before.specs.entities, after.specs.entities).map(({ name, change }) => {
    const old = before.specs.entities.get(name)?.spec;
    const now = after.specs.entities.get(name)?.spec;
    const fields = (e: typeof old) => new Map(Object.entries({ ...(e?.fields ?? {}), ...(e?.relationships ?? {}) }));
    return { name, change, fields: keyed(fields(old), fields(now)) };
  });
  return { from, tools, entities, migration: migration(before, after) };
}

/**
 * Planned when both entity sets load: a problem in a tool or policy file does not stop it (the schema
 * does not depend on them); any other problem might be in an entity, so it does.
 */
function migration(before: LoadResult, after: LoadResult): DiffView["migration"] {
  const entityProblems = (loaded: LoadResult) => {
    const elsewhere = new Set([...loaded.specs.tools.values(), ...loaded.specs.policies.values()].map((t) => t.doc.file));
    return loaded.diagnostics.filter((d) => !elsewhere.has(d.file)).length;
  };
  const old = entityProblems(before);
  const now = entityProblems(after);
  if (old > 0) return { steps: [], findings: [], error: `the entities in the --from folder do not load (${old} problems)` };
  if (now > 0) return { steps: [], findings: [], error: `the app's entities do not load (${now} problems): no migration can be planned` };
  const plan = planMigration(entityList(before.specs), entityList(after.specs));
  const answer: DiffView["migration"] = {
    steps: plan.steps.map((s) => ({ summary: s.summary, sql: [...s.sql] })),
    findings: plan.findings.map((f) => ({
      rule: f.rule,
      level: f.level,
      message: `${f.entity}: ${f.message}`,
      hint: f.hint,
      acknowledged: f.acknowledged,
    })),
  };
  if (plan.problems.length > 0) answer.error = plan.problems.map((p) => `${p.entity}: ${p.message}`).join("; ");
  return answer;
}

/** Names added, removed or changed (by their spec's JSON) between two maps of located specs. */
function changes<T>(old: ReadonlyMap<string, { spec: T }>, now: ReadonlyMap<string, { spec: T }>): { name: string; change: Change }[] {
  return keyed(new Map([...old].map(([k, v]) => [k, v.spec])), new Map([...now].map(([k, v]) => [k, v.spec])));
}

function keyed<T>(old: ReadonlyMap<string, T>, now: ReadonlyMap<string, T>): { name: string; change: Change }[] {
  const names = [...new Set([...old.keys(), ...now.keys()])].sort();
  return names.flatMap((name): { name: string; change: Change }[] => {
    if (!old.has(name)) return [{ name, change: "added" as const }];
    if (!now.has(name)) return [{ name, change: "removed" as const }];
    return JSON.stringify(old.get(name)) === JSON.stringify(now.get(name)) ? [] : [{ name, change: "changed" as const }];
  });
}
