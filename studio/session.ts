/**
 * One editing session: the app's texts, their history and their verdicts, kept in step. Every edit,
 * undo and redo changes texts, tells the checker which files changed, and answers with the summary.
 */
import type { LoadResult } from "../loader/load";
import { findDocument } from "./app-index";
import { StudioCheck } from "./check";
import type { AppDocuments } from "./documents";
import { checkEditShape } from "./edit-shape";
import { applyToolEdit, EditError } from "./edits";
import { History, type FileChange, type Step } from "./history";
import type { DefaultNames } from "./node-defaults";
import type {
  AppSummary,
  ChangeAnswer,
  DiffView,
  EntityGraph,
  EntityView,
  NodeTypeCatalog,
  SaveAnswer,
  Standing,
  ToolView,
} from "./protocol";
import { diffView } from "./views/diff";
import { entityGraph } from "./views/entity-graph";
import { entityView } from "./views/entity";
import { nodeTypeCatalog } from "./views/node-types";
import { appSummary } from "./views/summary";
import { toolView } from "./views/tool";

const SPEC_FILE = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\\]*\.(ya?ml|json)$/;

export interface Previous {
  dir: string;
  load: LoadResult;
}

export class StudioSession {
  readonly check: StudioCheck;
  private readonly history = new History();

  constructor(
    readonly app: AppDocuments,
    private readonly previous?: Previous,
  ) {
    this.check = new StudioCheck(app.sources());
  }

  summary(): AppSummary {
    return appSummary(this.app, this.check, this.history.state(this.app.dirty()), this.previous !== undefined);
  }

  tool(name: string): ToolView | undefined {
    const doc = findDocument(this.app, "Tool", name);
    return doc && toolView(doc, this.app.text(doc.file), this.check);
  }

  entity(name: string): EntityView | undefined {
    const doc = findDocument(this.app, "Entity", name);
    return doc && entityView(doc, this.app.text(doc.file), this.check);
  }

  entityGraph(): EntityGraph {
    return entityGraph(this.app);
  }

  nodeTypes(): NodeTypeCatalog {
    return nodeTypeCatalog(this.defaultNames());
  }

  diff(): DiffView | undefined {
    if (!this.previous) return undefined;
    return diffView(this.previous.dir, this.previous.load, this.check.load(), (tool) => this.standing(tool));
  }

  /** Applies one edit as one step of undo; throws EditError when it is refused. */
  edit(body: unknown): ChangeAnswer {
    const edit = checkEditShape(body);
    if (edit.op === "setText") {
      if (!SPEC_FILE.test(edit.file)) throw new EditError("file: expected a relative path to a .yaml, .yml or .json file inside the app");
      return this.apply([{ file: edit.file, before: this.app.has(edit.file) ? this.app.text(edit.file) : null, after: edit.text }]);
    }
    const doc = findDocument(this.app, "Tool", edit.tool);
    if (!doc) throw new EditError(`tool: no tool "${edit.tool}" in this app`);
    const before = this.app.text(doc.file);
    const result = applyToolEdit(before, doc.index, edit, this.defaultNames());
    const answer = this.apply([{ file: doc.file, before, after: result.text }]);
    return result.ids ? { ...answer, ids: result.ids } : answer;
  }

  /**
   * Replaces whole texts (null removes the file) as one step of undo, re-checked like any edit: how
   * an accepted chat proposal reaches the app.
   */
  replace(changes: readonly { file: string; text: string | null }[]): ChangeAnswer {
    for (const { file } of changes) {
      if (!SPEC_FILE.test(file))
        throw new EditError(`file: "${file}" is not a relative path to a .yaml, .yml or .json file inside the app`);
    }
    return this.apply(changes.map(({ file, text }) => ({ file, before: this.app.has(file) ? this.app.text(file) : null, after: text })));
  }

  undo(): ChangeAnswer {
    const step = this.history.undo();
    if (!step) throw new EditError("history: nothing to undo");
    return this.write(step.map((c) => ({ file: c.file, text: c.before })));
  }

  redo(): ChangeAnswer {
    const step = this.history.redo();
    if (!step) throw new EditError("history: nothing to redo");
    return this.write(step.map((c) => ({ file: c.file, text: c.after })));
  }

  save(): SaveAnswer {
    const saved = this.app.save();
    return { summary: this.summary(), saved };
  }

  private apply(step: Step): ChangeAnswer {
    const changed = step.filter((c: FileChange) => c.before !== c.after);
    // An edit that changes nothing (setting a value to itself) is no step of undo.
    if (changed.length > 0) this.history.record(changed);
    return this.write(changed.map((c) => ({ file: c.file, text: c.after })));
  }

  private write(changes: { file: string; text: string | null }[]): ChangeAnswer {
    for (const { file, text } of changes) {
      if (text === null) this.app.remove(file);
      else this.app.set(file, text);
    }
    if (changes.length > 0) this.check.update(changes);
    return { summary: this.summary(), files: changes.map((c) => c.file) };
  }

  private standing(tool: string): Standing {
    return this.check.assessment(tool)?.risk ?? "invalid";
  }

  private defaultNames(): DefaultNames {
    const specs = this.check.load().specs;
    const first = (names: Iterable<string>) => [...names].sort()[0];
    const names: DefaultNames = {};
    const entity = first(specs.entities.keys());
    const policy = first(specs.policies.keys());
    if (entity) names.entity = entity;
    if (policy) names.policy = policy;
    return names;
  }
}
