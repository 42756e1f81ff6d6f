/**
 * The example's OpenAPI document, judged by tools we did not write: @redocly/cli lint and
 * @apidevtools/swagger-parser accept it, and a client generated from it by openapi-typescript,
 * used through openapi-fetch (test/openapi/walk-client.mts), type-checks and runs the example's
 * walk-through against `fascia dev`, which serves the same document at /_fascia/openapi.json.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { runCli } from "../../cli/main";
import { OPENAPI_PATH } from "../../contracts/routes";
import { DEV_SECRETS_FILE } from "../../dev/dev-secrets";
import type { DevApp } from "../../dev/dev-app";
import { copyExample, startQuietDevApp } from "../support/example-dev-app";

const run = promisify(execFile);
const bin = (name: string) => resolve("node_modules", ".bin", name);
const quiet = { REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

describe("the example's OpenAPI document, checked by others' tools", () => {
  const dir = mkdtempSync(join(tmpdir(), "fascia-openapi-"));
  const app = join(dir, "reservations");
  const file = join(dir, "openapi.json");
  const client = join(dir, "client");
  let dev: DevApp;

  beforeAll(async () => {
    copyExample(app);
    const io = { out: () => {}, err: (t: string) => console.error(t), isTTY: false };
    expect(await runCli(["openapi", app, "--out", file], io)).toBe(0);
    dev = await startQuietDevApp(app);
  });
  afterAll(async () => {
    await dev?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes @redocly/cli lint (its recommended rules: no error)", async () => {
    const { stdout, stderr } = await run(bin("redocly"), ["lint", file, "--format", "stylish"], { env: { ...process.env, ...quiet } });
    expect(`${stdout}${stderr}`).toMatch(/valid/i);
    expect(`${stdout}${stderr}`).not.toMatch(/\berror\b/i);
  });

  it("passes @apidevtools/swagger-parser validate", async () => {
    // In its own process: it loads an ES module that Jest's CommonJS runtime cannot.
    const validate = "require('@apidevtools/swagger-parser').validate(process.argv[1]).then((api) => console.log(api.info.title))";
    const { stdout } = await run(process.execPath, ["-e", validate, file], { env: { ...process.env, NODE_OPTIONS: "" } });
    expect(stdout.trim()).toBe("reservations");
  });

  it("is what fascia dev serves at /_fascia/openapi.json", async () => {
    const response = await fetch(`${dev.url}${OPENAPI_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(readFileSync(file, "utf8")));
  });

  it("generates an openapi-typescript + openapi-fetch client that type-checks and runs the walk-through", async () => {
    await run(bin("openapi-typescript"), [file, "--output", join(client, "api.d.ts")]);
    copyFileSync("test/openapi/walk-client.mts", join(client, "walk-client.mts"));
    symlinkSync(resolve("node_modules"), join(client, "node_modules"), "dir");
    writeFileSync(
      join(client, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          noEmit: true,
          types: ["node"],
        },
        files: ["walk-client.mts"],
      }),
    );
    await run(bin("tsc"), ["-p", join(client, "tsconfig.json")]).catch((error: { stdout?: string }) => {
      throw new Error(`the generated client does not type-check:\n${error.stdout ?? String(error)}`);
    });

    const keys = JSON.parse(readFileSync(join(app, ".fascia", "signing-key.json"), "utf8")) as { kid: string; privateJwk: object };
    const secrets = JSON.parse(readFileSync(join(app, ".fascia", DEV_SECRETS_FILE), "utf8")) as Record<string, string>;
    const { stdout } = await run(bin("tsx"), [join(client, "walk-client.mts")], {
      cwd: client,
      env: {
        ...process.env,
        BASE_URL: dev.url,
        FASCIA_DEV_KEY: JSON.stringify(keys.privateJwk),
        FASCIA_DEV_KID: keys.kid,
        WEBHOOK_SECRET: secrets.PAYMENTS_WEBHOOK_SECRET!,
      },
    });
    const { steps } = JSON.parse(stdout.trim().split("\n").pop()!) as { steps: string[] };
    expect(steps).toHaveLength(10);
    expect(steps).toContain("a stay starting on a day already over is refused: 422");
  });
});
