/**
 * The incremental loader: the same parse, validation, tabling and checks as loadSpecSources, kept
 * per file and per spec so that after an edit only what the edit can affect is done again. Its
 * `load()` is exactly what loadSpecSources gives for the same texts, in the workspace's file order
 * (files keep their place when changed; new files come last).
 *
 * What is cached, and when it is dropped:
 * - per file: the parsed documents, their parse diagnostics and each document's schema validation
 *   (dropped when the file's text changes);
 * - the table of specs by kind and name (with FS007 duplicates and the names of invalid documents)
 *   is rebuilt from the cached validations after every change: it is a pass over the documents,
 *   and both who wins a duplicated name and which names are invalid depend on other files;
 * - per spec: its check's diagnostics and every name the check looked up (recorded-reads.ts). The
 *   check runs again when its spec is a new object (its file changed, or a duplicate now wins) or
 *   when one of the names it looked up now resolves to something else (a spec added, removed,
 *   replaced, a name becoming invalid; the whole key list when it made a suggestion);
 * - the route check stays global: one map lookup per tool.
 */
import type { Environment } from "@marcbachmann/cel-js";
import type { Diagnostic } from "./diagnostics";
import type { LoadResult, SpecSource } from "./load";
import { createCheckBase } from "./cel/environment";
import type { Located, SpecSet } from "./model";
import type { ToolSpec } from "../language/tool";
import { parseSpecText, type SourceDocument } from "./source/yaml-document";
import { tableDiagnostics, tableSpecs, validateDocument, type AnySpec, type ValidatedDocument } from "./spec-table";
import { checkEntity } from "./check/entities";
import { checkTool } from "./check/tools";
import { checkPolicy } from "./check/policies";
import { checkRoutes, routeClaim, type ToolRouteClaim } from "./check/routes";
import { DiagnosticBuckets, type DiagnosticUnit, type Rank } from "./diagnostic-buckets";
import { allKey, nameKey, recordedSpecSet, SCOPES, type DependencyKey } from "./recorded-reads";

export interface FileChange {
  file: string;
  /** The file's new text, or null when it was removed. */
  text: string | null;
}

/** What an update did, for callers that cache results derived from specs. */
export interface WorkspaceUpdate {
  /** Dependency keys (recorded-reads.ts) whose value changed: `entity:Room`, `policy*`, … */
  changed: ReadonlySet<DependencyKey>;
  /** Specs checked again or gone, as `entity:Room`, `tool:createRoom`, `policy:isStaff`. */
  rechecked: ReadonlySet<DependencyKey>;
  /** Files whose diagnostics changed. */
  files: ReadonlySet<string>;
}

// The one-shot loader's order of work, which decides the order of diagnostics that tie.
const PHASE = { parse: 0, table: 1, entity: 2, policy: 3, tool: 4, routes: 5 } as const;

interface FileEntry {
  readonly text: string;
  readonly seq: number;
  readonly parse: DiagnosticUnit;
  readonly documents: readonly { readonly validated: ValidatedDocument; readonly table: DiagnosticUnit }[];
}

interface CheckUnit extends DiagnosticUnit {
  readonly located: Located<AnySpec>;
  readonly part: Part;
  readonly reads: ReadonlySet<DependencyKey>;
}

type Part = "entities" | "tools" | "policies";
const KINDS: readonly { scope: string; part: Part; phase: number }[] = [
  { scope: SCOPES.entities, part: "entities", phase: PHASE.entity },
  { scope: SCOPES.policies, part: "policies", phase: PHASE.policy },
  { scope: SCOPES.tools, part: "tools", phase: PHASE.tool },
];

export class Workspace {
  private readonly files = new Map<string, FileEntry>();
  private readonly places = new WeakMap<SourceDocument, { seq: number; position: number }>();
  private readonly claims = new WeakMap<Located<ToolSpec>, ToolRouteClaim | undefined>();
  private readonly checks = new Map<DependencyKey, CheckUnit>();
  private readonly routes: DiagnosticUnit = { rank: [PHASE.routes, 0, 0], diagnostics: [] };
  private readonly buckets = new DiagnosticBuckets();
  private readonly base: Environment = createCheckBase();
  private specSet: SpecSet = { entities: new Map(), tools: new Map(), policies: new Map(), invalidNames: new Set() };
  private nextSeq = 0;
  private result: LoadResult | undefined;

  constructor(sources: readonly SpecSource[]) {
    const seen = new Set<string>();
    for (const { file } of sources) {
      if (seen.has(file)) throw new Error(`${file} is given twice: a workspace holds each file once`);
      seen.add(file);
    }
    this.update(sources);
  }

  get specs(): SpecSet {
    return this.specSet;
  }

  /** Applies changed (text) and removed (null) files, in order. */
  update(changes: readonly FileChange[]): WorkspaceUpdate {
    let touched = false;
    for (const { file, text } of changes) {
      const old = this.files.get(file);
      if (old?.text === text || (old === undefined && text === null)) continue;
      touched = true;
      if (old) this.forget(old);
      if (text === null) this.files.delete(file);
      else this.files.set(file, this.parse(file, text, old?.seq ?? this.nextSeq++));
    }
    if (!touched) return { changed: new Set(), rechecked: new Set(), files: new Set() };
    const previous = this.specSet;
    this.retable();
    const changed = changedKeys(previous, this.specSet);
    const rechecked = this.recheck(changed);
    const routes: Diagnostic[] = [];
    checkRoutes(this.specSet, routes, (tool) => this.routeClaim(tool));
    this.buckets.set(this.routes, routes);
    const files = this.buckets.flush();
    this.result = undefined;
    return { changed, rechecked, files };
  }

  /** The app as loaded now; the same object until the next update that changes something. */
  load(): LoadResult {
    if (!this.result) {
      const diagnostics = this.buckets.list();
      this.result = { specs: this.specSet, diagnostics, ok: diagnostics.length === 0 };
    }
    return this.result;
  }

  /** The diagnostics that fall in `file`. */
  diagnosticsIn(file: string): readonly Diagnostic[] {
    return this.buckets.in(file);
  }

  /** The kind and name of each valid document in `file` (whether or not it won its name). */
  specsIn(file: string): { kind: AnySpec["kind"]; name: string }[] {
    return (this.files.get(file)?.documents ?? []).flatMap(({ validated: { spec } }) =>
      spec ? [{ kind: spec.kind, name: spec.name }] : [],
    );
  }

  /** A tool's route claim, kept with its spec: locating 1,000 paths again after each edit would cost more than the edit. */
  private routeClaim(tool: Located<ToolSpec>): ToolRouteClaim | undefined {
    if (!this.claims.has(tool)) this.claims.set(tool, routeClaim(tool));
    return this.claims.get(tool);
  }

  private parse(file: string, text: string, seq: number): FileEntry {
    const parsed = parseSpecText(file, text);
    const parse: DiagnosticUnit = { rank: [PHASE.parse, seq, 0], diagnostics: [] };
    this.buckets.set(parse, parsed.diagnostics);
    const documents = parsed.documents.map((doc, position) => {
      this.places.set(doc, { seq, position });
      return { validated: validateDocument(doc), table: { rank: [PHASE.table, seq, position] as Rank, diagnostics: [] } };
    });
    return { text, seq, parse, documents };
  }

  private forget(entry: FileEntry): void {
    this.buckets.remove(entry.parse);
    for (const { table } of entry.documents) this.buckets.remove(table);
  }

  /** Tables every document again (cheap: validations are cached) and updates each one's FS007. */
  private retable(): void {
    const entries = [...this.files.values()].flatMap((f) => f.documents);
    const table = tableSpecs(entries.map((e) => e.validated));
    for (const entry of entries) this.buckets.set(entry.table, tableDiagnostics(entry.validated, table));
    this.specSet = table.specs;
  }

  /** Checks again each spec that is new or read something that changed; drops the checks of specs gone. */
  private recheck(changed: ReadonlySet<DependencyKey>): Set<DependencyKey> {
    const rechecked = new Set<DependencyKey>();
    for (const [key, unit] of this.checks) {
      if (this.specSet[unit.part].get(unit.located.spec.name) === unit.located && !readsChanged(unit.reads, changed)) continue;
      this.buckets.remove(unit);
      this.checks.delete(key);
      rechecked.add(key);
    }
    for (const { scope, part, phase } of KINDS) {
      for (const [name, located] of this.specSet[part]) {
        const key = nameKey(scope, name);
        if (this.checks.has(key)) continue;
        this.checks.set(key, this.check(located, part, phase));
        rechecked.add(key);
      }
    }
    return rechecked;
  }

  private check(located: Located<AnySpec>, part: Part, phase: number): CheckUnit {
    const reads = new Set<DependencyKey>();
    const specs = recordedSpecSet(this.specSet, reads);
    const out: Diagnostic[] = [];
    const { spec } = located;
    if (spec.kind === "Entity") checkEntity(located as Located<typeof spec>, specs, this.base, out);
    else if (spec.kind === "Policy") checkPolicy(located as Located<typeof spec>, this.base, out);
    else checkTool(located as Located<typeof spec>, specs, this.base, out);
    const place = this.places.get(located.doc)!;
    const unit: CheckUnit = { rank: [phase, place.seq, place.position], diagnostics: [], located, part, reads };
    this.buckets.set(unit, out);
    return unit;
  }
}

function readsChanged(reads: ReadonlySet<DependencyKey>, changed: ReadonlySet<DependencyKey>): boolean {
  for (const key of changed) if (reads.has(key)) return true;
  return false;
}

/** The names that resolve differently in `after` than in `before`, and the key lists that differ. */
export function changedKeys(before: SpecSet, after: SpecSet): Set<DependencyKey> {
  const changed = new Set<DependencyKey>();
  for (const { scope, part } of KINDS) diffNames(before[part], after[part], scope, changed);
  diffNames(asMap(before.invalidNames), asMap(after.invalidNames), SCOPES.invalidNames, changed);
  return changed;
}

function diffNames(
  before: ReadonlyMap<string, unknown>,
  after: ReadonlyMap<string, unknown>,
  scope: string,
  out: Set<DependencyKey>,
): void {
  let sameOrder = before.size === after.size;
  const b = before.keys();
  for (const [name, value] of after) {
    if (sameOrder && b.next().value !== name) sameOrder = false;
    if (before.get(name) !== value) out.add(nameKey(scope, name));
  }
  for (const name of before.keys()) if (!after.has(name)) out.add(nameKey(scope, name));
  if (!sameOrder) out.add(allKey(scope));
}

function asMap(names: ReadonlySet<string>): ReadonlyMap<string, true> {
  return new Map([...names].map((n) => [n, true]));
}
