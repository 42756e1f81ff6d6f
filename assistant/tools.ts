/**
 * The tools the model works through: four that read the app as the proposal so far leaves it, and
 * `propose`, which records whole documents (the loop judges them). The readers answer in plain text
 * the model reads easily; none of them can reach anything but the files it was given.
 */
import { formatDiagnostic } from "../loader/diagnostics";
import { loadSpecSources } from "../loader/load";
import { assessSpecs } from "../risk/engine";
import { documentSpans, type SpecKind } from "./documents";
import type { AppFiles } from "./judge";
import type { ModelTool } from "./model/client";
import type { DocumentChange } from "./working-copy";

const KINDS: readonly SpecKind[] = ["Entity", "Tool", "Policy"];

export const TOOLS: readonly ModelTool[] = [
  {
    name: "read_app",
    description: "List the app's spec documents: file, kind and name of each.",
    parameters: { type: "object", properties: {} },
  },
  {
    name: "read_spec",
    description: "The YAML text of one document, found by kind and name.",
    parameters: {
      type: "object",
      properties: { kind: { type: "string", enum: KINDS }, name: { type: "string" } },
      required: ["kind", "name"],
    },
  },
  {
    name: "diagnostics",
    description: "The loader's problems with the app, one per line (file:line:col code message).",
    parameters: { type: "object", properties: {} },
  },
  {
    name: "risk_report",
    description: "Each tool's risk level (green, yellow, red) and its Risk Engine findings with hints.",
    parameters: { type: "object", properties: {} },
  },
  {
    name: "propose",
    description:
      "Propose whole documents. Each is loaded, compiled and judged with the rest of the app; the result lists the problems and Red findings to repair, or says the proposal is valid.",
    parameters: {
      type: "object",
      properties: {
        documents: {
          type: "array",
          items: {
            type: "object",
            properties: {
              file: { type: "string", description: "path relative to the app folder, e.g. entities/invoice.yaml" },
              kind: { type: "string", enum: KINDS },
              name: { type: "string" },
              yaml: { type: "string", description: "the document's complete YAML text (one document)" },
              delete: { type: "boolean", description: "true to delete the document instead" },
            },
            required: ["file", "kind", "name"],
          },
        },
      },
      required: ["documents"],
    },
  },
];

export type ReadToolName = "read_app" | "read_spec" | "diagnostics" | "risk_report";

/** Runs a reading tool on `files`; the answer is the tool result's text. */
export function runReadTool(name: ReadToolName, input: Record<string, unknown>, files: AppFiles): string {
  switch (name) {
    case "read_app":
      return readApp(files);
    case "read_spec":
      return readSpec(files, String(input.kind), String(input.name));
    case "diagnostics": {
      const { diagnostics } = load(files);
      return diagnostics.length === 0 ? "no problems: the app loads" : diagnostics.map(formatDiagnostic).join("\n");
    }
    case "risk_report":
      return riskReport(files);
  }
}

export function isReadTool(name: string): name is ReadToolName {
  return name === "read_app" || name === "read_spec" || name === "diagnostics" || name === "risk_report";
}

function load(files: AppFiles) {
  return loadSpecSources([...files].map(([file, text]) => ({ file, text })));
}

function readApp(files: AppFiles): string {
  const lines = [...files.keys()]
    .sort()
    .flatMap((file) => documentSpans(files.get(file)!).map((d) => `${file}#${d.index}  ${d.kind ?? "?"} ${d.name ?? "(unnamed)"}`));
  return lines.length === 0 ? "the app has no spec documents yet" : lines.join("\n");
}

function readSpec(files: AppFiles, kind: string, name: string): string {
  for (const [file, text] of files) {
    const span = documentSpans(text).find((d) => d.kind === kind && d.name === name);
    if (span) return `# ${file} (document ${span.index})\n${span.text}`;
  }
  return `no ${kind} named ${name}`;
}

function riskReport(files: AppFiles): string {
  const loaded = load(files);
  if (!loaded.ok) return `the app does not load (${loaded.diagnostics.length} problems): call diagnostics`;
  const lines: string[] = [];
  for (const a of assessSpecs(loaded.specs)) {
    lines.push(`${a.name}: ${a.risk}${a.deployable ? "" : " (not deployable)"}`);
    for (const f of a.findings) {
      lines.push(
        `  ${f.rule} ${f.level}${f.node ? ` node ${f.node}` : ""}${f.acknowledged ? " (acknowledged)" : ""}: ${f.message} Hint: ${f.hint}`,
      );
    }
  }
  return lines.length === 0 ? "the app has no tools" : lines.join("\n");
}

/** The `propose` call's documents, or a refusal in words when its arguments do not fit. */
export function proposedChanges(input: Record<string, unknown>): DocumentChange[] | string {
  const documents = input.documents;
  if (!Array.isArray(documents) || documents.length === 0) return "propose needs documents: a non-empty list";
  const changes: DocumentChange[] = [];
  for (const [i, raw] of documents.entries()) {
    const d = (raw ?? {}) as Record<string, unknown>;
    const where = `documents[${i}]`;
    if (typeof d.file !== "string" || !/\.(ya?ml|json)$/.test(d.file) || d.file.startsWith("/") || d.file.split("/").includes("..")) {
      return `${where}.file must be a relative path ending in .yaml, .yml or .json inside the app`;
    }
    if (!KINDS.includes(d.kind as SpecKind)) return `${where}.kind must be one of ${KINDS.join(", ")}`;
    if (typeof d.name !== "string" || d.name === "") return `${where}.name is required`;
    if (d.delete === true) changes.push({ file: d.file, kind: d.kind as SpecKind, name: d.name, yaml: null });
    else if (typeof d.yaml === "string" && d.yaml.trim() !== "") {
      const refused = oneDocumentNamed(d.yaml, d.kind as SpecKind, d.name);
      if (refused !== undefined) return `${where}.yaml: ${refused}`;
      // A leading `---` would open an empty document of its own once spliced into a file.
      changes.push({ file: d.file, kind: d.kind as SpecKind, name: d.name, yaml: d.yaml.replace(/^---[ \t]*\r?\n/, "") });
    } else return `${where} needs yaml (the whole document) or delete: true`;
  }
  return changes;
}

/**
 * A proposed text must be the one document it claims to be: a document is found again by its kind
 * and name (to repair it, to accept it), so a text naming another would be lost or misplaced.
 * A text that does not parse is let through: the loader's diagnostics say more than a refusal would.
 */
function oneDocumentNamed(yaml: string, kind: SpecKind, name: string): string | undefined {
  const spans = documentSpans(yaml);
  if (spans.length > 1) return `holds ${spans.length} documents; propose each on its own`;
  const [span] = spans;
  if (span?.kind !== undefined && span.kind !== kind) return `is a ${span.kind}, not a ${kind}`;
  if (span?.name !== undefined && span.name !== name)
    return `names ${span.kind ?? kind} ${span.name}, not ${name} (to rename, delete ${name} and create the new one)`;
  return undefined;
}
