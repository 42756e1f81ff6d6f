/**
 * Random edits to an app's spec files, as a studio user (or a text editor) makes them: nodes added
 * and removed, fields broken, entities renamed or changed under the tools that use them, policies
 * changed, duplicates, files deleted, moved, damaged and restored. Each step is a few integers, so
 * fast-check shrinks a failing sequence to a short one; the interpreter turns them into file changes.
 */
import fc from "fast-check";
import { parseAllDocuments, stringify } from "yaml";

export interface FileChange {
  file: string;
  text: string | null;
}

/** One step: which edit (`op`), and two choices it uses as it likes. */
export interface EditStep {
  op: number;
  a: number;
  b: number;
}

export const editSteps = (max: number): fc.Arbitrary<EditStep[][]> =>
  fc.array(fc.array(fc.record({ op: fc.nat(EDITS.length - 1), a: fc.nat(1000), b: fc.nat(1000) }), { minLength: 1, maxLength: 3 }), {
    minLength: 1,
    maxLength: max,
  });

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The app's files as they are now, in the workspace's order (a new file comes last). */
export class AppFiles {
  readonly texts: Map<string, string>;
  private added = 0;

  constructor(
    private readonly original: ReadonlyMap<string, string>,
    private readonly note: (line: string) => void = () => undefined,
  ) {
    this.texts = new Map(original);
  }

  get sources(): { file: string; text: string }[] {
    return [...this.texts].map(([file, text]) => ({ file, text }));
  }

  /** Applies one batch of steps; returns the changes in the order they were made. */
  apply(steps: readonly EditStep[]): FileChange[] {
    const changes: FileChange[] = [];
    const set = (file: string, text: string | null) => {
      if (text === null) this.texts.delete(file);
      else this.texts.set(file, text);
      changes.push({ file, text });
    };
    for (const step of steps) {
      try {
        EDITS[step.op]!(this, step, set);
      } catch (error) {
        // A damaged document may not have the shape an edit expects (nodes: null, fields: "x"):
        // the edit is skipped. Only interpreting it can throw here; the checks run later.
        if (!(error instanceof TypeError)) throw error;
        this.note(`(skipped: ${error.message})`);
      }
    }
    return changes;
  }

  pickFile(n: number): string | undefined {
    const files = [...this.texts.keys()];
    return files.length ? files[n % files.length] : undefined;
  }

  /** The documents of every file that parses, with where they are. */
  documents(): { file: string; index: number; doc: Doc; all: Doc[] }[] {
    return [...this.texts].flatMap(([file, text]) => {
      const all = docsOf(text);
      return all ? all.map((doc, index) => ({ file, index, doc, all })) : [];
    });
  }

  pickDoc(n: number, kind?: string) {
    const docs = this.documents().filter((d) => d.doc && typeof d.doc === "object" && (kind === undefined || d.doc.kind === kind));
    return docs.length ? docs[n % docs.length] : undefined;
  }

  names(kind: string): string[] {
    return this.documents().flatMap(({ doc }) => (doc?.kind === kind && typeof doc.name === "string" ? [doc.name] : []));
  }

  newFile(): string {
    return `extra/added${this.added++}.yaml`;
  }

  originalText(file: string): string | undefined {
    return this.original.get(file);
  }

  originalFiles(): string[] {
    return [...this.original.keys()];
  }

  log(line: string): void {
    this.note(line);
  }
}

type Set_ = (file: string, text: string | null) => void;
type Edit = (app: AppFiles, step: EditStep, set: Set_) => void;

function docsOf(text: string): Doc[] | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return undefined;
  try {
    return docs.map((d) => d.toJS() as Doc);
  } catch {
    return undefined;
  }
}

const textOf = (docs: readonly Doc[]) => docs.map((d) => stringify(d)).join("---\n");

/** Rewrites one document of a file. */
function rewrite(set: Set_, picked: { file: string; index: number; all: Doc[] }, change: (doc: Doc) => void): void {
  const all = structuredClone(picked.all);
  change(all[picked.index]!);
  set(picked.file, textOf(all));
}

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);

/** Names of the entities a tool document's read and write nodes name. */
const entitiesOfTool = (doc: Doc): string[] =>
  ((doc.flow?.nodes ?? []) as Doc[]).flatMap((n) => (typeof n?.entity === "string" ? [n.entity as string] : []));

const EDITS: Edit[] = [
  // Add a node to a tool: a transform, a read, a write outside any transaction, an email.
  (app, { a, b }, set) => {
    const tool = app.pickDoc(a, "Tool");
    if (!tool) return;
    const entity = pick(app.names("Entity"), b) ?? "Ghost";
    const id = `added${b}`;
    const node = pick<Doc>(
      [
        { id, type: "transform", value: "1 + 2" },
        { id, type: "read", entity, where: { id: "caller.id" }, one: true },
        { id, type: "write", entity, action: "update", where: { id: "caller.id" }, set: { updatedAt: "now" } },
        { id, type: "write", entity, action: "delete", where: { id: "caller.id" } },
        { id, type: "email", to: "'a@example.com'", subject: "'s'", body: "'b'" },
      ],
      a + b,
    )!;
    app.log(`add ${node.type} ${id} to ${tool.doc.name}`);
    rewrite(set, tool, (doc) => {
      doc.flow?.nodes?.push(node);
      const first = doc.flow?.nodes?.[0]?.id;
      if (b % 2 === 0 && typeof first === "string" && first !== id) (doc.flow.edges ??= []).push({ from: first, to: id });
    });
  },
  // Remove a node from a tool (and, half the time, the edges and scopes that name it).
  (app, { a, b }, set) => {
    const tool = app.pickDoc(a, "Tool");
    const nodes = (tool?.doc.flow?.nodes ?? []) as Doc[];
    if (!tool || nodes.length === 0) return;
    const id = nodes[b % nodes.length]!.id;
    app.log(`remove node ${id} from ${tool.doc.name}`);
    rewrite(set, tool, (doc) => {
      doc.flow.nodes = (doc.flow.nodes as Doc[]).filter((n) => n.id !== id);
      if (b % 2 === 0) {
        doc.flow.edges = ((doc.flow.edges ?? []) as Doc[]).filter((e) => e.from !== id && e.to !== id);
        for (const n of doc.flow.nodes as Doc[]) if (Array.isArray(n.nodes)) n.nodes = n.nodes.filter((m: string) => m !== id);
      }
    });
  },
  // Break a field: an unknown entity or column in a tool, a field's type in an entity, a policy's rule.
  (app, { a, b }, set) => {
    const picked = app.pickDoc(a);
    if (!picked) return;
    app.log(`break a field of ${picked.doc.kind} ${picked.doc.name}`);
    rewrite(set, picked, (doc) => {
      if (doc.kind === "Tool") {
        const data = ((doc.flow?.nodes ?? []) as Doc[]).filter((n) => n.type === "read" || n.type === "write");
        const node = pick(data, b);
        if (!node) doc.output = "nodes.nothing.here";
        else if (b % 2 === 0) node.entity = `${node.entity}x`;
        else node.where = { ...(node.where ?? {}), noSuchColumn: "1" };
      } else if (doc.kind === "Entity") {
        const field = pick(Object.keys(doc.fields ?? {}), b);
        if (field) doc.fields[field] = b % 2 === 0 ? { type: "boolean" } : { type: "string", min: 3, max: 1 };
      } else doc.rule = b % 2 === 0 ? "input.x +" : "nodes.load.nope == 1";
    });
  },
  // Rename an entity: to a new name, or to the name of another (a duplicate).
  (app, { a, b }, set) => {
    const entity = app.pickDoc(a, "Entity");
    if (!entity) return;
    const name = b % 3 === 0 ? (pick(app.names("Entity"), b) ?? "Other") : `${entity.doc.name}${b % 2 ? "s" : "Renamed"}`;
    app.log(`rename entity ${entity.doc.name} to ${name}`);
    rewrite(set, entity, (doc) => void (doc.name = name));
  },
  // Delete a file.
  (app, { a }, set) => {
    const file = app.pickFile(a);
    if (!file) return;
    app.log(`delete ${file}`);
    set(file, null);
  },
  // A new file holding a copy of a document: the same name (FS007 on one of them) or a new one.
  (app, { a, b }, set) => {
    const picked = app.pickDoc(a);
    if (!picked) return;
    const copy = structuredClone(picked.doc);
    if (b % 3 === 0) copy.name = `${copy.name}Copy`;
    const file = app.newFile();
    app.log(`copy ${picked.doc.kind} ${picked.doc.name} to ${file} as ${copy.name}`);
    set(file, textOf([copy]));
  },
  // Change an entity that a tool reads or writes: a required field more, no status machine, a field
  // no longer unique, a field immutable, the relationships gone.
  (app, { a, b }, set) => {
    const tool = app.pickDoc(a, "Tool");
    const name = tool && pick(entitiesOfTool(tool.doc), b);
    const entity = name === undefined ? undefined : app.documents().find((d) => d.doc?.kind === "Entity" && d.doc.name === name);
    if (!entity) return;
    const how = b % 5;
    app.log(`change entity ${name} (way ${how}) under tool ${tool!.doc.name}`);
    rewrite(set, entity, (doc) => {
      const fields = (doc.fields ??= {});
      const field = pick(Object.keys(fields), a);
      if (how === 0) fields.addedRequired = { type: "integer" };
      else if (how === 1) delete doc.status;
      else if (how === 2 && field) delete fields[field].unique;
      else if (how === 3 && field) fields[field].immutable = true;
      else delete doc.relationships;
    });
  },
  // Change a policy: a rule that reads nodes, another caller check, a new name.
  (app, { a, b }, set) => {
    const policy = app.pickDoc(a, "Policy");
    if (!policy) return;
    app.log(`change policy ${policy.doc.name} (way ${b % 3})`);
    rewrite(set, policy, (doc) => {
      if (b % 3 === 0) doc.rule = "nodes.load.status == 'pending'";
      else if (b % 3 === 1) doc.rule = "'admin' in caller.roles";
      else doc.name = `${doc.name}V2`;
    });
  },
  // Damage a file's text: cut it short, or break its YAML.
  (app, { a, b }, set) => {
    const file = app.pickFile(a);
    if (!file) return;
    const text = app.texts.get(file)!;
    app.log(`damage ${file} at ${b % (text.length + 1)}`);
    set(
      file,
      b % 2 === 0
        ? text.slice(0, b % (text.length + 1))
        : `${text.slice(0, b % (text.length + 1))}\t: [\n${text.slice(b % (text.length + 1))}`,
    );
  },
  // Restore a file to what it was at the start (bringing back a deleted one).
  (app, { a }, set) => {
    const file = pick(app.originalFiles(), a)!;
    app.log(`restore ${file}`);
    set(file, app.originalText(file)!);
  },
  // A document the schema refuses, under its name: references to it are not reported again.
  (app, { a, b }, set) => {
    const picked = app.pickDoc(a);
    if (!picked) return;
    app.log(`make ${picked.doc.kind} ${picked.doc.name} invalid`);
    rewrite(set, picked, (doc) => {
      if (b % 2 === 0) doc.unexpectedKey = true;
      else delete doc.kind;
    });
  },
  // Move a file to the end of the order (deleted and added again in one update).
  (app, { a }, set) => {
    const file = app.pickFile(a);
    if (!file) return;
    const text = app.texts.get(file)!;
    app.log(`move ${file} last`);
    set(file, null);
    set(file, text);
  },
];
