/**
 * The diagnostics of an incremental load, kept per file so that a change re-sorts only the files it
 * touched. Each unit of work (a file's parse, a document's tabling, one spec's check, the route
 * check) owns its diagnostics and a rank: its place in the one-shot loader's order of work. Within
 * a file, the units' diagnostics are laid out by rank and then deduplicated and sorted by the same
 * functions the one-shot loader uses, so ties (same place and message) keep the order they have
 * there; the files are then concatenated in the order sortDiagnostics puts them in.
 */
import { dedupeDiagnostics, sortDiagnostics, type Diagnostic } from "./diagnostics";

/** [phase, file sequence, document position]: compared element by element. */
export type Rank = readonly [number, number, number];

export interface DiagnosticUnit {
  readonly rank: Rank;
  diagnostics: readonly Diagnostic[];
}

const compareRank = (a: DiagnosticUnit, b: DiagnosticUnit) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2];
const compareFile = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class DiagnosticBuckets {
  private readonly contributors = new Map<string, Set<DiagnosticUnit>>();
  private readonly buckets = new Map<string, Diagnostic[]>();
  private readonly dirty = new Set<string>();
  private all: Diagnostic[] | undefined = [];

  /** Gives `unit` new diagnostics (a new unit starts with none); returns whether anything changed. */
  set(unit: DiagnosticUnit, diagnostics: readonly Diagnostic[]): boolean {
    if (sameDiagnostics(unit.diagnostics, diagnostics)) return false;
    this.remove(unit);
    unit.diagnostics = diagnostics;
    for (const file of filesOf(diagnostics)) {
      let units = this.contributors.get(file);
      if (!units) this.contributors.set(file, (units = new Set()));
      units.add(unit);
      this.dirty.add(file);
    }
    return true;
  }

  /** Withdraws a unit's diagnostics (the unit is gone, or about to get new ones). */
  remove(unit: DiagnosticUnit): void {
    for (const file of filesOf(unit.diagnostics)) {
      this.contributors.get(file)?.delete(unit);
      this.dirty.add(file);
    }
    unit.diagnostics = [];
  }

  /** Re-sorts the files whose units changed since the last call; returns those files. */
  flush(): Set<string> {
    const flushed = new Set(this.dirty);
    for (const file of this.dirty) {
      const units = [...(this.contributors.get(file) ?? [])].sort(compareRank);
      const list = units.flatMap((u) => u.diagnostics.filter((d) => d.file === file));
      if (list.length === 0) {
        this.buckets.delete(file);
        this.contributors.delete(file);
      } else this.buckets.set(file, sortDiagnostics(dedupeDiagnostics(list)));
    }
    if (this.dirty.size > 0) this.all = undefined;
    this.dirty.clear();
    return flushed;
  }

  /** The diagnostics that fall in `file`, in load order. */
  in(file: string): readonly Diagnostic[] {
    return this.buckets.get(file) ?? [];
  }

  /** Every diagnostic, in load order (computed once per change). */
  list(): Diagnostic[] {
    this.all ??= [...this.buckets.keys()].sort(compareFile).flatMap((file) => this.buckets.get(file)!);
    return this.all;
  }
}

function filesOf(diagnostics: readonly Diagnostic[]): Set<string> {
  return new Set(diagnostics.map((d) => d.file));
}

export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((d, i) => {
    const e = b[i]!;
    return (
      d.file === e.file && d.line === e.line && d.col === e.col && d.code === e.code && d.message === e.message && d.expected === e.expected
    );
  });
}
