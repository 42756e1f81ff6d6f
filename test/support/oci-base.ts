/**
 * A tiny base image made with umoci, no internet: an OCI layout holding one image, tagged `base`,
 * with one layer (`/etc/fascia-test-base.txt`). Tests build the executor image on it (`oci:DIR:base`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTools, run } from "./test-tools";

export function makeBaseLayout(dir: string, content = "a test base image\n"): string {
  requireTools();
  run("umoci", ["init", "--layout", dir]);
  run("umoci", ["new", "--image", `${dir}:base`]);
  const files = mkdtempSync(join(tmpdir(), "fascia-base-files-"));
  try {
    mkdirSync(join(files, "etc"));
    writeFileSync(join(files, "etc", "fascia-test-base.txt"), content);
    run("umoci", ["insert", "--rootless", "--image", `${dir}:base`, join(files, "etc"), "/etc"]);
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
  return `oci:${dir}:base`;
}
