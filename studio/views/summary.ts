/** The app at a glance: its entities, tools (each with its standing), policies, every problem and the edit state. */
import type { Diagnostic } from "../../loader/diagnostics";
import { indexApp, type IndexedDocument } from "../app-index";
import type { StudioCheck } from "../check";
import type { AppDocuments } from "../documents";
import type { AppSummary, EditState, EntitySummary, ToolSummary } from "../protocol";
import { diagnosticsIn, specProblem } from "./shared";

export function appSummary(app: AppDocuments, check: StudioCheck, edits: EditState, diff: boolean): AppSummary {
  const documents = indexApp(app);
  const { diagnostics } = check.load();
  // Grouped by file once: the summary is made after every edit, and filtering the whole list once
  // per document would cost documents × diagnostics in an app with many of both.
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const inFile = byFile.get(d.file);
    if (inFile) inFile.push(d);
    else byFile.set(d.file, [d]);
  }
  const problemsOf = (doc: IndexedDocument) => diagnosticsIn(doc, byFile.get(doc.file) ?? []);
  const of = (kind: string) => documents.filter((d) => d.kind === kind).sort((a, b) => a.name.localeCompare(b.name));
  const entities: EntitySummary[] = of("Entity").map((doc) => {
    const value = doc.value as { fields?: unknown; status?: { states?: unknown } };
    return {
      name: doc.name,
      file: doc.file,
      fields: value.fields && typeof value.fields === "object" ? Object.keys(value.fields).length : 0,
      states: Array.isArray(value.status?.states) ? value.status.states.length : 0,
      problems: problemsOf(doc).length,
    };
  });
  const tools: ToolSummary[] = of("Tool").map((doc) => {
    const assessment = check.load().specs.tools.get(doc.name)?.doc.file === doc.file ? check.assessment(doc.name) : null;
    const { trigger, route } = triggerOf(doc.value.trigger);
    return {
      name: doc.name,
      file: doc.file,
      trigger,
      route,
      risk: assessment?.risk ?? "invalid",
      deployable: assessment?.deployable ?? false,
      findings: assessment?.findings.length ?? 0,
      problems: problemsOf(doc).length,
    };
  });
  const count = (risk: string) => tools.filter((t) => t.risk === risk).length;
  return {
    dir: app.dir,
    entities,
    tools,
    policies: of("Policy").map((d) => ({ name: d.name, file: d.file })),
    problems: [...app.unreadable, ...diagnostics].map((d) => specProblem(d)),
    risk: { tools: tools.length, green: count("green"), yellow: count("yellow"), red: count("red"), invalid: count("invalid") },
    edits,
    diff,
  };
}

function triggerOf(value: unknown): Pick<ToolSummary, "trigger" | "route"> {
  const t = (value ?? {}) as { http?: { method?: unknown; path?: unknown }; webhook?: { path?: unknown }; schedule?: { cron?: unknown } };
  if (t.http) return { trigger: "http", route: `${String(t.http.method)} ${String(t.http.path)}` };
  if (t.webhook) return { trigger: "webhook", route: `webhook ${String(t.webhook.path)}` };
  if (t.schedule) return { trigger: "schedule", route: `cron ${String(t.schedule.cron)}` };
  return { trigger: null, route: null };
}
