/** An app of one scheduled tool and no HTTP tool: it starts without bearer-token settings, on an in-memory PGlite database of its own. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileSpecSet } from "../../../build/compile-app";
import { writeManifest } from "../../../executor/app/manifest";
import { loadSpecObjects } from "../../../loader/load";

export const NIGHTLY_TOOL = {
  kind: "Tool",
  name: "nightly",
  trigger: { schedule: { cron: "0 3 * * *" } },
  timeout: "5s",
  flow: { nodes: [{ id: "t", type: "transform", value: "1" }] },
};

/** The environment startExecutor needs for it: the manifest written to a new folder, an in-memory database, any free port. */
export function nightlyAppEnv(prefix = "fascia-nightly-"): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const manifestPath = join(dir, "manifest.json");
  const loaded = loadSpecObjects([NIGHTLY_TOOL]);
  if (!loaded.ok) throw new Error("the nightly spec is invalid");
  writeManifest(manifestPath, compileSpecSet(loaded.specs, "nightly"));
  return { FASCIA_APP_MANIFEST: manifestPath, FASCIA_DB_URL: "pglite:memory", PORT: "0" };
}
