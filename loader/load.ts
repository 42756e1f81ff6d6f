/**
 * The spec loader: files → documents → validated specs → cross-checked specs. It never throws on
 * bad specs; every problem comes back as a Diagnostic, sorted by file and position.
 */
import { relative, isAbsolute } from "node:path";
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from "./diagnostics";
import type { SpecSet } from "./model";
import { findSpecFiles } from "./source/spec-files";
import { readSpecFile } from "./source/read-spec-file";
import { parseSpecText, type SourceDocument } from "./source/yaml-document";
import { objectDocument } from "./source/object-document";
import { tableDiagnostics, tableSpecs, validateDocument } from "./spec-table";
import { checkEntity } from "./check/entities";
import { checkTool } from "./check/tools";
import { checkPolicy } from "./check/policies";
import { checkRoutes } from "./check/routes";
import { createCheckBase } from "./cel/environment";

export interface LoadResult {
  specs: SpecSet;
  diagnostics: Diagnostic[];
  /** True when there are no diagnostics: the specs may go on to the compiler. */
  ok: boolean;
}

export interface SpecSource {
  file: string;
  text: string;
}

/** Loads every `.yaml`, `.yml` and `.json` file below `dir` (or the one file `dir` names). */
export function loadSpecDir(dir: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const sources: SpecSource[] = [];
  let files: string[] = [];
  try {
    files = findSpecFiles(dir);
  } catch (error) {
    diagnostics.push({
      file: dir,
      line: 1,
      col: 1,
      code: "FS001",
      message: `cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    });
  }
  for (const file of files) {
    const shown = displayPath(file);
    const read = readSpecFile(file);
    if (read.ok) sources.push({ file: shown, text: read.text });
    else diagnostics.push({ file: shown, line: read.line, col: read.col, code: "FS001", message: read.message });
  }
  const result = loadSpecSources(sources);
  return finish(result.specs, [...diagnostics, ...result.diagnostics]);
}

/** Loads spec texts that are already in memory (tests, editors, the Pulumi components). */
export function loadSpecSources(sources: readonly SpecSource[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const documents: SourceDocument[] = [];
  for (const source of sources) {
    const parsed = parseSpecText(source.file, source.text);
    diagnostics.push(...parsed.diagnostics);
    documents.push(...parsed.documents);
  }
  return checkDocuments(documents, diagnostics);
}

/** Loads spec objects given directly (the same shape as the YAML), labelled for messages. */
export function loadSpecObjects(objects: readonly unknown[], label = "<inline>"): LoadResult {
  return checkDocuments(
    objects.map((value, i) => objectDocument(label, i, value)),
    [],
  );
}

function checkDocuments(documents: readonly SourceDocument[], diagnostics: Diagnostic[]): LoadResult {
  const validated = documents.map(validateDocument);
  const table = tableSpecs(validated);
  for (const entry of validated) diagnostics.push(...tableDiagnostics(entry, table));
  const { specs } = table;
  const base = createCheckBase();
  for (const entity of specs.entities.values()) checkEntity(entity, specs, base, diagnostics);
  for (const policy of specs.policies.values()) checkPolicy(policy, base, diagnostics);
  for (const tool of specs.tools.values()) checkTool(tool, specs, base, diagnostics);
  checkRoutes(specs, diagnostics);
  return finish(specs, diagnostics);
}

function finish(specs: SpecSet, diagnostics: Diagnostic[]): LoadResult {
  const sorted = sortDiagnostics(dedupeDiagnostics(diagnostics));
  return { specs, diagnostics: sorted, ok: sorted.length === 0 };
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}
