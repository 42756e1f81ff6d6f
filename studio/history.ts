/**
 * Undo and redo as text snapshots: each step holds, per file it touched, the text before and after.
 * Undo puts back the exact earlier text (never a re-rendering), so the YAML is byte-for-byte what it was.
 */
import type { EditState } from "./protocol";

/** A file's text before and after a change; null for a file that did not exist (or no longer does). */
export interface FileChange {
  file: string;
  before: string | null;
  after: string | null;
}

export type Step = readonly FileChange[];

export class History {
  private readonly done: Step[] = [];
  private readonly undone: Step[] = [];
  private revisionCount = 0;

  /** A new change: it ends every redo. */
  record(step: Step): void {
    this.done.push(step);
    this.undone.length = 0;
    this.revisionCount++;
  }

  /** The step to revert (the caller writes each `before`), or undefined when there is none. */
  undo(): Step | undefined {
    const step = this.done.pop();
    if (step) {
      this.undone.push(step);
      this.revisionCount++;
    }
    return step;
  }

  /** The step to re-apply (the caller writes each `after`). */
  redo(): Step | undefined {
    const step = this.undone.pop();
    if (step) {
      this.done.push(step);
      this.revisionCount++;
    }
    return step;
  }

  state(dirty: string[]): EditState {
    return { dirty, undo: this.done.length, redo: this.undone.length, revision: this.revisionCount };
  }
}
