/**
 * Checks of Entity documents once their shape is valid: names that must refer to something do,
 * the status machine is coherent, constraints name real columns, invariants type-check as bool.
 */
import type { Environment } from "@marcbachmann/cel-js";
import type { Diagnostic } from "../diagnostics";
import type { EntitySpec } from "../../language/entity";
import type { Located, SpecSet } from "../model";
import type { SpecPath } from "../source/yaml-document";
import { didYouMean } from "../suggest";
import { checkExpression } from "../cel/check-expression";
import { createRowEnvironment } from "../cel/environment";

const RESERVED_FIELDS = new Set(["id", "createdAt", "updatedAt", "version"]);
const RANGE_TYPES = new Set(["date", "datetime", "integer", "bigint", "decimal", "number"]);

export function checkEntity(entry: Located<EntitySpec>, specs: SpecSet, base: Environment, out: Diagnostic[]): void {
  const { spec, doc } = entry;
  const report = (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string, key = false) =>
    out.push({ ...doc.locate(path, { key }), code, message, ...(expected ? { expected } : {}) });

  const fieldNames = Object.keys(spec.fields);
  const relationships = spec.relationships ?? {};
  const statusField = spec.status ? (spec.status.field ?? "status") : undefined;

  for (const name of fieldNames) {
    if (RESERVED_FIELDS.has(name))
      report("FS030", ["fields", name], `field "${name}" is a system column every entity already has`, undefined, true);
    if (name === statusField)
      report("FS013", ["fields", name], `field "${name}" is the status machine's field; declare its states under status`, undefined, true);
    checkFieldOptions(spec, name, report);
  }
  for (const [name, rel] of Object.entries(relationships)) {
    const path = ["relationships", name];
    if (Object.hasOwn(spec.fields, name)) report("FS014", path, `relationship "${name}" has the same name as a field`, undefined, true);
    const target = specs.entities.get(rel.entity);
    if (!target) {
      if (specs.invalidNames.has(rel.entity)) continue;
      report("FS009", [...path, "entity"], `unknown entity "${rel.entity}"${didYouMean(rel.entity, specs.entities.keys())}`);
      continue;
    }
    if (rel.kind === "belongsTo") {
      if (rel.onDelete === "setNull" && !rel.optional)
        report("FS014", [...path, "onDelete"], `onDelete: setNull needs the relationship to be optional`, "optional: true");
      if (Object.hasOwn(spec.fields, `${name}Id`))
        report("FS014", path, `relationship "${name}" needs the name "${name}Id", which a field already has`, undefined, true);
    } else {
      const back = Object.entries(target.spec.relationships ?? {}).filter(([, r]) => r.kind === "belongsTo" && r.entity === spec.name);
      const via = rel.via;
      if (via !== undefined) {
        if (!back.some(([n]) => n === via))
          report(
            "FS011",
            [...path, "via"],
            `${rel.entity} has no belongsTo "${via}" to ${spec.name}${didYouMean(
              via,
              back.map(([n]) => n),
            )}`,
            back.map(([n]) => n).join(", ") || undefined,
          );
      } else if (back.length === 0) {
        report(
          "FS014",
          path,
          `hasMany "${name}" needs ${rel.entity} to have a belongsTo ${spec.name}`,
          `a belongsTo relationship on ${rel.entity}`,
          true,
        );
      } else if (back.length > 1) {
        report(
          "FS014",
          path,
          `hasMany "${name}": ${rel.entity} has several belongsTo ${spec.name}; name one with via`,
          back.map(([n]) => n).join(" or "),
          true,
        );
      }
    }
  }

  if (spec.status) checkStatus(spec, report);

  const columns = new Set([
    ...fieldNames,
    ...Object.entries(relationships)
      .filter(([, r]) => r.kind === "belongsTo")
      .map(([n]) => n),
  ]);
  if (statusField) columns.add(statusField);
  const columnRef = (path: SpecPath, name: string) => {
    if (!columns.has(name))
      report("FS010", path, `unknown field "${name}" in ${spec.name}${didYouMean(name, columns)}`, "a field or belongsTo relationship");
  };
  for (const list of ["unique", "indexes"] as const) {
    spec[list]?.forEach((names, i) => names.forEach((n, j) => columnRef([list, i, j], n)));
  }

  const env = createRowEnvironment(base, spec);
  const seenNames = new Map<string, string>();
  const uniqueName = (path: SpecPath, name: string) => {
    if (seenNames.has(name)) report("FS007", path, `constraint name "${name}" is used twice in ${spec.name}`);
    seenNames.set(name, name);
  };
  spec.invariants?.forEach((inv, i) => {
    uniqueName(["invariants", i, "name"], inv.name);
    checkExpression(env, inv.rule, doc, ["invariants", i, "rule"], out, "bool");
  });
  spec.noOverlap?.forEach((rule, i) => {
    uniqueName(["noOverlap", i, "name"], rule.name);
    rule.range.forEach((f, j) => {
      // Own keys only: a field list is a plain object, and `toString` is not a field of it.
      const field = Object.hasOwn(spec.fields, f) ? spec.fields[f] : undefined;
      if (!field) columnRef(["noOverlap", i, "range", j], f);
      else if (!RANGE_TYPES.has(field.type))
        report("FS031", ["noOverlap", i, "range", j], `range bound "${f}" is a ${field.type}`, "a date, datetime or numeric field");
    });
    const [lo, hi] = rule.range;
    if (Object.hasOwn(spec.fields, lo) && Object.hasOwn(spec.fields, hi) && spec.fields[lo]!.type !== spec.fields[hi]!.type) {
      report("FS031", ["noOverlap", i, "range"], `range bounds "${lo}" and "${hi}" have different types`);
    }
    rule.per?.forEach((n, j) => columnRef(["noOverlap", i, "per", j], n));
    if (rule.where) checkExpression(env, rule.where, doc, ["noOverlap", i, "where"], out, "bool");
  });
}

type Report = (code: Diagnostic["code"], path: SpecPath, message: string, expected?: string, key?: boolean) => void;

function checkFieldOptions(spec: EntitySpec, name: string, report: Report): void {
  const field = spec.fields[name]!;
  const path = ["fields", name];
  if ("min" in field && "max" in field && field.min !== undefined && field.max !== undefined && field.min > field.max) {
    report("FS030", [...path, "min"], `min ${JSON.stringify(field.min)} is above max ${JSON.stringify(field.max)}`);
  }
  if (field.type === "string") {
    if (field.minLength !== undefined && field.maxLength !== undefined && field.minLength > field.maxLength) {
      report("FS030", [...path, "minLength"], `minLength ${field.minLength} is above maxLength ${field.maxLength}`);
    }
    if (field.pattern !== undefined) {
      try {
        new RegExp(field.pattern, "u");
      } catch (error) {
        report("FS030", [...path, "pattern"], `pattern is not a valid regular expression: ${(error as Error).message}`);
      }
    }
  }
  if (field.type === "decimal" && field.scale !== undefined && field.precision !== undefined && field.scale > field.precision) {
    report("FS030", [...path, "scale"], `scale ${field.scale} is above precision ${field.precision}`);
  }
  if (field.type === "enum") {
    const dupes = field.values.filter((v, i) => field.values.indexOf(v) !== i);
    for (const v of new Set(dupes)) report("FS030", [...path, "values"], `enum value "${v}" is listed twice`);
    if (field.default !== undefined && !field.values.includes(field.default)) {
      report(
        "FS030",
        [...path, "default"],
        `default "${field.default}" is not one of the values${didYouMean(field.default, field.values)}`,
        [...new Set(field.values)].join(", "),
      );
    }
  }
}

function checkStatus(spec: EntitySpec, report: Report): void {
  const status = spec.status!;
  const states = new Set<string>();
  status.states.forEach((s, i) => {
    if (states.has(s)) report("FS013", ["status", "states", i], `state "${s}" is listed twice`);
    states.add(s);
  });
  const known = (path: SpecPath, s: string) => {
    if (!states.has(s)) report("FS012", path, `unknown state "${s}"${didYouMean(s, states)}`, [...states].join(", "));
  };
  known(["status", "initial"], status.initial);
  const seen = new Set<string>();
  status.transitions?.forEach((t, i) => {
    const froms = Array.isArray(t.from) ? t.from : [t.from];
    froms.forEach((f, j) =>
      known(Array.isArray(t.from) ? ["status", "transitions", i, "from", j] : ["status", "transitions", i, "from"], f),
    );
    known(["status", "transitions", i, "to"], t.to);
    for (const f of froms) {
      const key = `${f}->${t.to}`;
      if (f === t.to) report("FS013", ["status", "transitions", i], `transition ${key} does not change the state`);
      else if (seen.has(key)) report("FS013", ["status", "transitions", i], `transition ${key} is listed twice`);
      seen.add(key);
    }
  });
}
