/**
 * The example app served by `fascia dev` in-process, as the tests that walk through it run it: on
 * a fresh copy of examples/reservations (without the .fascia/ folder a local `npm start` leaves:
 * a new embedded PGlite database and signing key), no cron, the executor's logs dropped.
 */
import { cpSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { startDevApp, type DevApp, type DevOptions } from "../../dev/dev-app";

const EXAMPLE = join(__dirname, "../../examples/reservations");

/** Copies the example into `dir` (created), leaving out its local state. */
export function copyExample(dir: string): string {
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !source.includes(".fascia") });
  return dir;
}

export function startQuietDevApp(dir: string, options: Omit<DevOptions, "dir"> = {}): Promise<DevApp> {
  return startDevApp({ port: 0, cron: false, logDestination: new Writable({ write: (_c, _e, done) => done() }), ...options, dir });
}
