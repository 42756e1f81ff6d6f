/**
 * Renames happen only where the new spec says `renamedFrom`. This rewrites the old specs as if the
 * renames had always been there (entity, field and relationship names, the references to them in
 * unique/indexes/noOverlap lists and in CEL rules), so compiling them yields exactly the names
 * PostgreSQL will have after the RENAME statements, and everything else diffs by name.
 */
import { Environment } from "@marcbachmann/cel-js";
import type { EntitySpec } from "../../language/entity";

const parser = new Environment({ unlistedVariablesAreDyn: true });

export interface RenameMap {
  /** old entity name → new */
  readonly entities: ReadonlyMap<string, string>;
  /** new entity name → (old field/relationship name → new) */
  readonly members: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function findRenames(oldEntities: readonly EntitySpec[], newEntities: readonly EntitySpec[]): RenameMap {
  const oldByName = new Map(oldEntities.map((e) => [e.name, e]));
  const entities = new Map<string, string>();
  for (const e of newEntities) {
    if (e.renamedFrom && oldByName.has(e.renamedFrom) && !oldByName.has(e.name)) entities.set(e.renamedFrom, e.name);
  }
  const members = new Map<string, Map<string, string>>();
  for (const e of newEntities) {
    const previous = oldByName.get(oldByName.has(e.name) ? e.name : (e.renamedFrom ?? ""));
    if (!previous) continue;
    const map = new Map<string, string>();
    const had = (name: string) => name in previous.fields || name in (previous.relationships ?? {});
    const consider = (name: string, from: string | undefined) => {
      if (from && had(from) && !had(name)) map.set(from, name);
    };
    for (const [name, field] of Object.entries(e.fields)) consider(name, field.renamedFrom);
    for (const [name, rel] of Object.entries(e.relationships ?? {})) consider(name, rel.kind === "belongsTo" ? rel.renamedFrom : undefined);
    if (map.size) members.set(e.name, map);
  }
  return { entities, members };
}

const renameKeys = <T>(record: Record<string, T>, map: ReadonlyMap<string, string>): Record<string, T> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [map.get(k) ?? k, v]));

/** CEL identifiers renamed: fields by name, relationships as `<name>Id`. */
export function renameInRule(rule: string, names: ReadonlyMap<string, string>): string {
  if (names.size === 0) return rule;
  const ids = new Map<string, string>();
  for (const [from, to] of names) {
    ids.set(from, to);
    ids.set(`${from}Id`, `${to}Id`);
  }
  const spans: { start: number; end: number; text: string }[] = [];
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as { op?: string; args?: unknown; start?: number; end?: number };
    if (n.op === "id" && typeof n.args === "string" && ids.has(n.args) && n.start !== undefined && n.end !== undefined) {
      spans.push({ start: n.start, end: n.end, text: ids.get(n.args)! });
    }
    visit(n.args);
  };
  visit(parser.parse(rule).ast);
  let out = rule;
  for (const s of spans.sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** The old specs with the new names applied. */
export function applyRenames(oldEntities: readonly EntitySpec[], renames: RenameMap): EntitySpec[] {
  return oldEntities.map((old) => {
    const name = renames.entities.get(old.name) ?? old.name;
    const members = renames.members.get(name) ?? new Map<string, string>();
    const n = (x: string) => members.get(x) ?? x;
    const relationships = old.relationships
      ? Object.fromEntries(
          Object.entries(old.relationships).map(([k, r]) => [n(k), { ...r, entity: renames.entities.get(r.entity) ?? r.entity }]),
        )
      : undefined;
    return {
      ...old,
      name,
      fields: renameKeys(old.fields, members),
      ...(relationships ? { relationships } : {}),
      ...(old.unique ? { unique: old.unique.map((l) => l.map(n)) } : {}),
      ...(old.indexes ? { indexes: old.indexes.map((l) => l.map(n)) } : {}),
      ...(old.invariants ? { invariants: old.invariants.map((i) => ({ ...i, rule: renameInRule(i.rule, members) })) } : {}),
      ...(old.noOverlap
        ? {
            noOverlap: old.noOverlap.map((o) => ({
              ...o,
              range: [n(o.range[0]), n(o.range[1])] as [string, string],
              ...(o.per ? { per: o.per.map(n) } : {}),
              ...(o.where ? { where: renameInRule(o.where, members) } : {}),
            })),
          }
        : {}),
    };
  });
}
