/**
 * A governed executor (its specs not checked again: the plan hash proved them) serves the same
 * document `fascia openapi` prints, at the reserved path, to a caller without a token, without
 * ever loading the spec loader.
 */
import { compileApp } from "../../build/compile-app";
import { secretEnvName } from "../../contracts/environment";
import { OPENAPI_PATH } from "../../contracts/routes";
import { openPglite } from "../../database/pglite-driver";
import type { Database } from "../../database/types";
import { manifestPlanHash } from "../../executor/app/manifest";
import { prepareApp } from "../../executor/app/runtime-app";
import { buildServer, type ExecutorServer } from "../../executor/server/build-server";
import * as load from "../../loader/load";
import { openApiDocument } from "../../openapi/document";

describe("GET /_fascia/openapi.json", () => {
  const manifest = compileApp("examples/reservations");
  let db: Database;
  let server: ExecutorServer;
  beforeAll(async () => {
    db = await openPglite();
    const checks = jest.spyOn(load, "loadSpecObjects");
    const app = prepareApp(manifest, { specsChecked: true });
    server = buildServer({
      app,
      db,
      auth: { authenticate: async () => Promise.reject(new Error("no caller is needed for the document")) },
      env: Object.fromEntries(app.secretNames.map((name) => [secretEnvName(name), "x"])),
      email: { smtpUrl: "smtp://127.0.0.1:1" },
      outbox: false,
    });
    await server.ready();
    expect(checks).not.toHaveBeenCalled();
    checks.mockRestore();
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it("answers the manifest's document, without a token, the same on every request", async () => {
    const first = await server.inject({ method: "GET", url: OPENAPI_PATH });
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-type"]).toMatch(/^application\/json/);
    const expected = openApiDocument({
      title: "reservations",
      version: manifestPlanHash(manifest),
      tools: manifest.specs.tools,
      plans: manifest.plans,
    });
    expect(first.json()).toEqual(expected);
    expect((await server.inject({ method: "GET", url: OPENAPI_PATH })).body).toBe(first.body);
  });
});
