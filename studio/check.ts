/**
 * The studio's judge: the loader, the flow compiler and the Risk Engine over the texts as they stand.
 * This version re-loads the whole app on every update (simple and exactly what the CLI does); an
 * incremental one with the same interface replaces it.
 */
import { compileTool } from "../compiler/flow/compile";
import { loadSpecSources, type LoadResult, type SpecSource } from "../loader/load";
import { assessTool, entityMap, type ToolAssessment } from "../risk/engine";

export class StudioCheck {
  private readonly texts = new Map<string, string>();
  private loaded!: LoadResult;
  private readonly assessments = new Map<string, ToolAssessment | null>();

  constructor(sources: readonly SpecSource[]) {
    for (const s of sources) this.texts.set(s.file, s.text);
    this.reload();
  }

  /** Changed files (text) or removed files (null); returns the names whose verdict may have changed. */
  update(changes: readonly { file: string; text: string | null }[]): { entities: ReadonlySet<string>; tools: ReadonlySet<string> } {
    const before = this.names();
    for (const change of changes) {
      if (change.text === null) this.texts.delete(change.file);
      else this.texts.set(change.file, change.text);
    }
    this.reload();
    const after = this.names();
    // A full reload may change any verdict: every name before or after is reported.
    return { entities: new Set([...before.entities, ...after.entities]), tools: new Set([...before.tools, ...after.tools]) };
  }

  /** The app as loaded now: exactly what loadSpecSources gives for the same texts. */
  load(): LoadResult {
    return this.loaded;
  }

  /** A tool's verdict; null when it cannot be compiled: absent, or a diagnostic falls in its file. */
  assessment(tool: string): ToolAssessment | null {
    if (this.assessments.has(tool)) return this.assessments.get(tool)!;
    const located = this.loaded.specs.tools.get(tool);
    let verdict: ToolAssessment | null = null;
    if (located && !this.loaded.diagnostics.some((d) => d.file === located.doc.file)) {
      try {
        verdict = assessTool(compileTool(located.spec, entityMap(this.loaded.specs)));
      } catch {
        // A spec the loader let through but the compiler cannot take (a referenced entity is invalid).
        verdict = null;
      }
    }
    this.assessments.set(tool, verdict);
    return verdict;
  }

  private reload(): void {
    this.loaded = loadSpecSources([...this.texts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([file, text]) => ({ file, text })));
    this.assessments.clear();
  }

  private names(): { entities: string[]; tools: string[] } {
    return { entities: [...this.loaded.specs.entities.keys()], tools: [...this.loaded.specs.tools.keys()] };
  }
}
