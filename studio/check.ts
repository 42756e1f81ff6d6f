/**
 * The studio's live check: after each edit, the loader's checks, the flow compiler and the Risk
 * Engine run again on what the edit can affect, and nothing else (loader/workspace.ts for the
 * checks). Verdicts are computed when first asked for and kept per tool until the tool's spec or
 * an entity its compilation looked up changes. A kept verdict's `compiled.entities` is the entity
 * map of when it was made: every entity the plan and the rules consulted is still current in it.
 */
import type { SpecSource, LoadResult } from "../loader/load";
import type { EntitySpec } from "../language/entity";
import type { Located } from "../loader/model";
import type { ToolSpec } from "../language/tool";
import { Workspace } from "../loader/workspace";
import { RecordedMap, SCOPES, type DependencyKey } from "../loader/recorded-reads";
import { compileTool } from "../compiler/flow/compile";
import { assessTool, entityMap, type ToolAssessment } from "../risk/engine";

interface Verdict {
  readonly located: Located<ToolSpec>;
  /** The entity names compileTool and the rules looked up. */
  readonly reads: ReadonlySet<DependencyKey>;
  readonly assessment: ToolAssessment | null;
}

export class StudioCheck {
  private readonly workspace: Workspace;
  private readonly verdicts = new Map<string, Verdict>();
  /** Entity specs by name, as compileTool takes them: built when a verdict needs it, kept while no entity changes. */
  private entities: Map<string, EntitySpec> | undefined;

  constructor(sources: readonly SpecSource[]) {
    this.workspace = new Workspace(sources);
  }

  /** Changed files (text) or removed files (null); returns the names whose verdict may have changed. */
  update(changes: readonly { file: string; text: string | null }[]): { entities: ReadonlySet<string>; tools: ReadonlySet<string> } {
    const done = this.workspace.update(changes);
    const specs = this.workspace.specs;
    const entities = new Set<string>();
    const tools = new Set<string>();
    const add = (kind: string, name: string) => (kind === "Entity" ? entities.add(name) : kind === "Tool" ? tools.add(name) : undefined);
    // Names whose spec changed or was checked again (`entity:Room`; `entity*` names no one).
    for (const key of [...done.changed, ...done.rechecked]) {
      const colon = key.indexOf(":");
      if (colon < 0) continue;
      const scope = key.slice(0, colon);
      add(scope === SCOPES.entities ? "Entity" : scope === SCOPES.tools ? "Tool" : "", key.slice(colon + 1));
    }
    // A diagnostic appearing or going in a file decides whether its tools can be compiled.
    for (const file of done.files) for (const { kind, name } of this.workspace.specsIn(file)) add(kind, name);
    if ([...done.changed].some((key) => key.startsWith(`${SCOPES.entities}:`) || key === `${SCOPES.entities}*`)) this.entities = undefined;
    for (const [name, verdict] of this.verdicts) {
      if (specs.tools.get(name) === verdict.located && ![...verdict.reads].some((key) => done.changed.has(key))) continue;
      this.verdicts.delete(name);
      tools.add(name);
    }
    return { entities, tools };
  }

  /** The app as loaded now: exactly what loadSpecSources gives for the same texts. */
  load(): LoadResult {
    return this.workspace.load();
  }

  /** A tool's verdict (compileTool + assessTool, risk/engine.ts); null when it cannot be compiled: absent, or a diagnostic falls in its file. */
  assessment(tool: string): ToolAssessment | null {
    const located = this.workspace.specs.tools.get(tool);
    if (!located || this.workspace.diagnosticsIn(located.doc.file).length > 0) return null;
    let verdict = this.verdicts.get(tool);
    if (verdict?.located !== located) this.verdicts.set(tool, (verdict = this.assess(located)));
    return verdict.assessment;
  }

  private assess(located: Located<ToolSpec>): Verdict {
    const entities = (this.entities ??= entityMap(this.workspace.specs));
    const reads = new Set<DependencyKey>();
    try {
      const assessed = assessTool(compileTool(located.spec, new RecordedMap(entities, SCOPES.entities, reads)));
      // The verdict keeps the plain map, as a one-shot assessment would (the recording was for us).
      return { located, reads, assessment: { ...assessed, compiled: { ...assessed.compiled, entities } } };
    } catch {
      // A valid tool whose entities have problems of their own may not compile: it has no verdict.
      return { located, reads, assessment: null };
    }
  }
}
