/**
 * The app in memory: the text of every spec file below the app's folder, keyed by its path relative
 * to that folder (the `file` every diagnostic and every protocol answer names), and which of them
 * differ from the disk. The studio edits these texts; only `save` writes.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { Diagnostic } from "../loader/diagnostics";
import type { SpecSource } from "../loader/load";
import { readSpecFile } from "../loader/source/read-spec-file";
import { findSpecFiles } from "../loader/source/spec-files";

export class AppDocuments {
  private readonly texts = new Map<string, string>();
  /** What the disk holds, as last read or written; null for a file not on disk yet. */
  private readonly disk = new Map<string, string | null>();
  /** Files that could not be read (not UTF-8, permissions): reported as `fascia validate` reports them, never edited. */
  readonly unreadable: Diagnostic[] = [];

  private constructor(readonly dir: string) {}

  /** Reads every spec file below `dir`. A file that cannot be read is left out, with its diagnostic. */
  static read(dir: string): AppDocuments {
    const app = new AppDocuments(dir);
    for (const path of findSpecFiles(dir)) {
      const read = readSpecFile(path);
      const file = relative(dir, path).split(sep).join("/");
      if (!read.ok) {
        app.unreadable.push({ file, line: read.line, col: read.col, code: "FS001", message: read.message });
        continue;
      }
      app.texts.set(file, read.text);
      app.disk.set(file, read.text);
    }
    return app;
  }

  files(): string[] {
    return [...this.texts.keys()].sort();
  }

  has(file: string): boolean {
    return this.texts.has(file);
  }

  text(file: string): string {
    const text = this.texts.get(file);
    if (text === undefined) throw new Error(`no spec file ${file}`);
    return text;
  }

  set(file: string, text: string): void {
    if (!this.disk.has(file)) this.disk.set(file, null);
    this.texts.set(file, text);
  }

  /** Removes a file: one only in memory is forgotten (a new file, undone); one on disk is deleted by the next save. */
  remove(file: string): void {
    this.texts.delete(file);
    if (this.disk.get(file) === null) this.disk.delete(file);
  }

  sources(): SpecSource[] {
    return this.files().map((file) => ({ file, text: this.texts.get(file)! }));
  }

  /** Files whose text differs from the disk, and files removed here that the disk still has. */
  dirty(): string[] {
    return [...new Set([...this.texts.keys(), ...this.disk.keys()])]
      .sort()
      .filter((file) => (this.disk.get(file) ?? null) !== (this.texts.get(file) ?? null));
  }

  /** Writes the dirty files (deleting the removed ones); returns their names. */
  save(): string[] {
    const saved = this.dirty();
    for (const file of saved) {
      const path = join(this.dir, ...file.split("/"));
      const text = this.texts.get(file);
      if (text === undefined) {
        rmSync(path, { force: true });
        this.disk.delete(file);
        continue;
      }
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      this.disk.set(file, text);
    }
    return saved;
  }
}
