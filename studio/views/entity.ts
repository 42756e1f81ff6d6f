/**
 * An entity as the studio shows it: fields and relationships, the status machine with its
 * transitions, and where each invariant is enforced — a CHECK when the schema compiler can translate
 * it to SQL, else the executor (with the compiler's reason).
 */
import { compileEntities } from "../../compiler/schema/compile";
import { tableByEntity } from "../../compiler/schema/model";
import type { IndexedDocument } from "../app-index";
import type { StudioCheck } from "../check";
import type { EntityFieldView, EntityView } from "../protocol";
import { diagnosticsIn, specProblem } from "./shared";

type Raw = Record<string, unknown>;

export function entityView(doc: IndexedDocument, yaml: string, check: StudioCheck): EntityView {
  const value = doc.value as {
    fields?: Record<string, Raw>;
    relationships?: Record<string, Raw>;
    status?: { field?: string; initial?: string; states?: unknown[]; transitions?: { from?: unknown; to?: unknown }[] };
    invariants?: { name?: string; rule?: string }[];
  };
  const fields: EntityFieldView[] = [
    ...Object.entries(objectOr(value.fields)).map(([name, f]) => fieldView(name, f)),
    ...Object.entries(objectOr(value.relationships)).map(([name, r]) => relationshipView(name, r)),
  ];
  const status = value.status && typeof value.status === "object" ? value.status : null;
  return {
    name: doc.name,
    file: doc.file,
    yaml,
    fields,
    status: status
      ? {
          field: status.field ?? "status",
          initial: typeof status.initial === "string" ? status.initial : null,
          states: Array.isArray(status.states) ? status.states.map(String) : [],
          transitions: (Array.isArray(status.transitions) ? status.transitions : []).flatMap((t) =>
            (Array.isArray(t?.from) ? t.from : [t?.from]).map((from) => ({ from: String(from), to: String(t?.to) })),
          ),
        }
      : null,
    invariants: invariants(doc, value.invariants, check),
    problems: diagnosticsIn(doc, check.load().diagnostics).map((d) => specProblem(d)),
  };
}

function invariants(
  doc: IndexedDocument,
  written: { name?: string; rule?: string }[] | undefined,
  check: StudioCheck,
): EntityView["invariants"] {
  const loaded = check.load().specs;
  const spec = loaded.entities.get(doc.name)?.spec;
  // Compiled with every entity, since relationships become columns that refer to the other tables.
  const table = spec ? tableByEntity(compileEntities([...loaded.entities.values()].map((e) => e.spec)).model, doc.name) : undefined;
  return (Array.isArray(written) ? written : []).map((inv) => {
    const name = String(inv?.name);
    const sql = table?.sqlInvariants.find((i) => i.name === name);
    const executor = table?.executorInvariants.find((i) => i.name === name);
    if (sql)
      return { name, expression: String(inv.rule), enforcedBy: "check", why: `PostgreSQL checks it: CHECK constraint ${sql.constraint}` };
    if (executor)
      return {
        name,
        expression: String(inv.rule),
        enforcedBy: "executor",
        why: `the executor checks it before commit: ${executor.reason}`,
      };
    return { name, expression: String(inv?.rule), enforcedBy: "executor", why: "the entity does not compile yet: no CHECK can be made" };
  });
}

function objectOr(value: unknown): Record<string, Raw> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Raw>) : {};
}

function fieldView(name: string, f: Raw): EntityFieldView {
  const { type, optional, unique, ...rest } = f ?? {};
  return { name, type: String(type), required: optional !== true, unique: unique === true, detail: detail(rest) };
}

function relationshipView(name: string, r: Raw): EntityFieldView {
  const { kind, entity, optional, ...rest } = r ?? {};
  return {
    name,
    type: String(kind),
    required: kind === "belongsTo" && optional !== true,
    unique: false,
    references: String(entity),
    detail: detail(rest),
  };
}

/** Everything else on a field, on one line: `maxLength 200, default 'x'`. */
function detail(rest: Raw): string {
  return Object.entries(rest)
    .map(([k, v]) => (v === true ? k : `${k} ${typeof v === "string" ? `'${v}'` : JSON.stringify(v)}`))
    .join(", ");
}
