/**
 * The app in the studio against an earlier version (`--from DIR`): which tools and entities were
 * added, removed or changed (and which nodes and fields in them), the risk before and after, and the
 * migration between the two entity sets as `fascia plan --from` plans it (compiler/migrations).
 */
import { planMigration } from "../../compiler/migrations";
import { entityList } from "../../loader/model";
import type { LoadResult } from "../../loader/load";
import { assessSpecs } from "../../risk/engine";
import type { Change, DiffView, Standing } from "../protocol";

export function diffView(from: string, before: LoadResult, after: LoadResult, standingNow: (tool: string) => Standing): DiffView {
  const verdicts = before.ok ? new Map(assessSpecs(before.specs).map((a) => [a.name, a.risk as Standing])) : new Map<string, Standing>();
  const standingBefore = (name: string): Standing => verdicts.get(name) ?? "invalid";

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

function migration(before: LoadResult, after: LoadResult): DiffView["migration"] {
  if (!before.ok)
    return { steps: [], findings: [], error: `the specs in the --from folder do not load (${before.diagnostics.length} problems)` };
  if (!after.ok)
    return { steps: [], findings: [], error: `the app does not load (${after.diagnostics.length} problems): no migration can be planned` };
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
