/**
 * A witness in a local directory, for `fascia dev` and tests: checkpoint `id` is the file
 * `<dir>/checkpoints/<id, 12 digits>.json`. A checkpoint is written whole to a temporary file in the
 * same folder, flushed, then hard-linked to its name: link() fails when the name exists, so a file
 * appears complete or not at all and is never replaced. When it exists, the copy there is compared
 * with the one offered (witness.ts: the same checkpoint is fine, a different one is a conflict).
 *
 * A directory is only as safe from rewriting as its permissions make it; a deployment's witness is
 * a bucket with a retention policy (gcs-witness.ts).
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, link, mkdir, open, opendir, readFile, stat, unlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { checkpointJson, parseCheckpoint, type Checkpoint } from "./checkpoint";
import { checkpointIdOf, checkpointObjectName, expectSameCopy, type Witness } from "./witness";

export interface DirectoryWitnessOptions {
  /** How many checkpoint files read() reads at once (default 100). */
  pageSize?: number;
}

export class DirectoryWitness implements Witness {
  readonly label: string;
  private readonly pageSize: number;

  constructor(
    readonly dir: string,
    options: DirectoryWitnessOptions = {},
  ) {
    this.label = dir;
    this.pageSize = Math.max(1, options.pageSize ?? 100);
  }

  async publish(checkpoint: Checkpoint): Promise<void> {
    const path = join(this.dir, checkpointObjectName(checkpoint.id));
    const folder = join(path, "..");
    await mkdir(folder, { recursive: true });
    const text = checkpointJson(checkpoint);
    // Not named like a checkpoint, so read() never takes a temporary file for one.
    const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
    const file = await open(temporary, "wx");
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await createOnce(temporary, path);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    expectSameCopy(await readFile(path, "utf8"), checkpoint, path);
  }

  async *read(): AsyncIterable<Checkpoint> {
    const folder = join(this.dir, "checkpoints");
    // A witness directory that is not there is a mistake to report, not an empty witness; its
    // checkpoints folder appears with the first checkpoint.
    await stat(this.dir).catch((error: NodeJS.ErrnoException) => {
      throw new Error(
        `the witness directory ${this.dir} cannot be read: ${error.code === "ENOENT" ? "it does not exist" : error.message}`,
        {
          cause: error,
        },
      );
    });
    // Names only (ids, 8 bytes each); the files themselves are read a page at a time.
    const ids: number[] = [];
    try {
      for await (const entry of await opendir(folder)) {
        const id = entry.isFile() ? checkpointIdOf(`checkpoints/${entry.name}`) : undefined;
        if (id !== undefined) ids.push(id);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    ids.sort((a, b) => a - b);
    for (let start = 0; start < ids.length; start += this.pageSize) {
      const page = ids.slice(start, start + this.pageSize);
      const checkpoints = await Promise.all(page.map((id) => this.readOne(id)));
      yield* checkpoints;
    }
  }

  private async readOne(id: number): Promise<Checkpoint> {
    const path = join(this.dir, checkpointObjectName(id));
    const checkpoint = parseCheckpoint(await readFile(path, "utf8"), path);
    if (checkpoint.id !== id) throw new Error(`${path}: holds checkpoint #${checkpoint.id}, not #${id}`);
    return checkpoint;
  }
}

/** Gives `temporary`'s content the name `path` unless `path` exists (EEXIST), never replacing it. */
async function createOnce(temporary: string, path: string): Promise<void> {
  try {
    await link(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A file system without hard links: an exclusive copy still never replaces a checkpoint.
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw error;
    await copyFile(temporary, path, constants.COPYFILE_EXCL);
  }
}
