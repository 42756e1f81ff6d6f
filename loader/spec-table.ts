/**
 * The step between parsing and cross-checking: each document validated against the spec schema on
 * its own, then the valid ones tabled by kind and name, the first of a name winning (FS007 on the
 * others). Shared by the one-shot loader (load.ts) and the incremental one (workspace.ts), which
 * caches the validation per file and tables again after every change.
 */
import type { Diagnostic } from "./diagnostics";
import { SpecDocument } from "../language/document";
import type { EntitySpec } from "../language/entity";
import type { PolicySpec } from "../language/policy";
import type { ToolSpec } from "../language/tool";
import type { Located, SpecSet } from "./model";
import type { SourceDocument } from "./source/yaml-document";
import { schemaIssuesToDiagnostics } from "./check/schema-issues";

export type AnySpec = EntitySpec | ToolSpec | PolicySpec;

/** A document after schema validation: its spec, or its schema diagnostics (and the name it claimed, if any). */
export type ValidatedDocument =
  | { readonly doc: SourceDocument; readonly spec: AnySpec }
  | { readonly doc: SourceDocument; readonly spec?: undefined; readonly diagnostics: Diagnostic[]; readonly invalidName?: string };

export function validateDocument(doc: SourceDocument): ValidatedDocument {
  const parsed = SpecDocument.safeParse(doc.value);
  if (parsed.success) return { doc, spec: parsed.data };
  const diagnostics = schemaIssuesToDiagnostics(doc, SpecDocument, parsed.error.issues);
  const name = (doc.value as { name?: unknown } | null)?.name;
  return typeof name === "string" ? { doc, diagnostics, invalidName: name } : { doc, diagnostics };
}

export interface SpecTable {
  specs: SpecSet;
  /** FS007 for each valid document whose kind and name an earlier document already took. */
  duplicates: Map<SourceDocument, Diagnostic>;
}

/** Tables validated documents, in order, by kind and name. */
export function tableSpecs(validated: Iterable<ValidatedDocument>): SpecTable {
  const entities = new Map<string, Located<EntitySpec>>();
  const tools = new Map<string, Located<ToolSpec>>();
  const policies = new Map<string, Located<PolicySpec>>();
  const invalidNames = new Set<string>();
  const duplicates = new Map<SourceDocument, Diagnostic>();
  const byKind = { Entity: entities, Tool: tools, Policy: policies } as const;
  for (const entry of validated) {
    const { doc } = entry;
    if (entry.spec === undefined) {
      if (entry.invalidName !== undefined) invalidNames.add(entry.invalidName);
      continue;
    }
    const spec = entry.spec;
    const table = byKind[spec.kind] as Map<string, Located<AnySpec>>;
    const earlier = table.get(spec.name);
    if (earlier) {
      const first = earlier.doc.locate(["name"]);
      duplicates.set(doc, {
        ...doc.locate(["name"]),
        code: "FS007",
        message: `${spec.kind} "${spec.name}" is already defined at ${first.file}:${first.line}:${first.col}`,
      });
      continue;
    }
    // The validated document is the Located itself: an unchanged file's specs keep their identity
    // from one tabling to the next, which is how the incremental loader tells what changed.
    table.set(spec.name, entry);
  }
  return { specs: { entities, tools, policies, invalidNames }, duplicates };
}

/** What a validated document adds to the diagnostics at its place in the table pass. */
export function tableDiagnostics(entry: ValidatedDocument, table: SpecTable): readonly Diagnostic[] {
  if (entry.spec === undefined) return entry.diagnostics;
  const duplicate = table.duplicates.get(entry.doc);
  return duplicate ? [duplicate] : [];
}
