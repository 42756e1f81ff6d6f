/**
 * The package as a user gets it. A copy of the working tree is built and packed (`npm pack`, so
 * the tarball holds exactly what package.json `files` selects from a fresh build; the copy keeps
 * this test from rewriting the repo's dist/ while other suites read it); the tarball is installed
 * into an empty project with npm, as `npm install @fascia/pulumi` would; a program importing the
 * package by name is type-checked with `strict` and without skipLibCheck by the repo's own tsc,
 * then run under the Pulumi SDK's mocks in preview and in update, and the package is loaded from
 * plain CommonJS (`require`) and from ESM (`import`).
 *
 * Slow by nature (a build, an install from the npm cache, a type check of @pulumi/gcp's
 * declarations): 2–3 minutes on two shared cores (170 s measured), hence the generous timeouts.
 */
import { credentials } from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

const REPO = resolve(__dirname, "..", "..");
const IMAGE = `europe-west1-docker.pkg.dev/acme/fascia/executor@sha256:${"ab".repeat(32)}`;
// What a build writes or a developer leaves behind: never copied (the copy builds its own).
const NOT_COPIED = new Set(["node_modules", "dist", ".git", "coverage", ".scratch"]);

let work: string;
let tarball: string;
let packed: string[];
let app: string;

// `npm test` hands Jest its resolved configuration as npm_* variables, among them
// npm_config_local_prefix (the repo), which would make npm in the temporary project work on the
// repo instead. Children keep only where the cache, the registry and the user's .npmrc are.
const KEPT_NPM = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);

function env(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => (!k.startsWith("npm_") || KEPT_NPM.has(k)) && k !== "NODE_OPTIONS"),
  );
}

function run(file: string, args: string[], cwd: string): string {
  try {
    return execFileSync(file, args, { cwd, env: env(), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    throw new Error(`${basename(file)} ${args.join(" ")} (in ${cwd}) exited ${e.status}:\n${e.stdout}\n${e.stderr}`, { cause: error });
  }
}

const npm = (args: string[], cwd: string) => run("npm", args, cwd);
const node = (args: string[], cwd: string) => run(process.execPath, args, cwd);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "fascia-pack-"));
  const src = join(work, "src");
  cpSync(REPO, src, { recursive: true, filter: (path) => !NOT_COPIED.has(basename(path)) || resolve(path, "..") !== REPO });
  symlinkSync(join(REPO, "node_modules"), join(src, "node_modules"), "dir");
  // The local database `fascia dev` leaves next to an example must never ship.
  mkdirSync(join(src, "examples", "reservations", ".fascia"), { recursive: true });
  writeFileSync(join(src, "examples", "reservations", ".fascia", "probe"), "not for the package\n");

  npm(["run", "build"], src);
  const [pack] = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], src)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, pack!.filename);
  packed = pack!.files.map((f) => f.path);

  // An empty project, as `pulumi new typescript` leaves one (with @types/node, which the Pulumi
  // SDK's own declarations need), then the tarball installed into it. The dependencies come from
  // npm's cache, which the repo's own install filled. No install scripts: Fascia has none to run.
  app = join(work, "app");
  mkdirSync(app);
  const typesNode = (JSON.parse(readFileSync(join(REPO, "node_modules", "@types", "node", "package.json"), "utf8")) as { version: string })
    .version;
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "shop", private: true, devDependencies: { "@types/node": typesNode } }));
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], app);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the tarball holds what the package needs to run and nothing of the tests", () => {
  const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
    main: string;
    types: string;
    bin: Record<string, string>;
    exports: Record<string, string | Record<string, string>>;
  };
  const named = [
    manifest.main,
    manifest.types,
    ...Object.values(manifest.bin),
    ...Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target))),
  ].map((path) => path.replace(/^\.\//, ""));
  // Every file package.json points at, and what the runtime loads by path: the CLI's compiled
  // entry (bin/fascia.js requires it), the executor bundle `fascia build` copies into an image,
  // and the entity record's judge, which the dynamic provider requires by its absolute path.
  const needed = [
    ...named,
    "dist/cli/main.js",
    "dist/executor/executor.js",
    "dist/risk/entity-migration.js",
    // The plugin the engine runs (bin/pulumi-resource-fascia) and the schema it serves.
    "dist/plugin/main.js",
    // `fascia studio`: its server and the built browser app it serves (scripts/build-studio.ts).
    "dist/studio/server.js",
    "dist/studio-web/index.html",
    "dist/studio-web/app.js",
    "dist/studio-web/app.css",
    "dist/studio-web/elk-worker.js",
    // The Console's API docs: Swagger UI, served by the studio itself (no CDN).
    "dist/studio-web/api-docs/swagger-ui-bundle.js",
    "dist/studio-web/api-docs/swagger-ui.css",
    "schema.json",
    "pulumi-plugin/PulumiPlugin.yaml",
    "pulumi-plugin/package.json",
    "pulumi-plugin/index.js",
  ];
  expect(needed.filter((path) => !packed.includes(path))).toEqual([]);
  expect(packed).toContain("examples/reservations-stack/Pulumi.yaml");

  expect(packed.filter((path) => /(^|\/)(test|bench|scripts)\//.test(path) || /\.test\.[jt]s/.test(path))).toEqual([]);
  expect(packed.filter((path) => path.includes("/.fascia/"))).toEqual([]);
  // TypeScript sources stay out but for the example program, which a user copies.
  expect(packed.filter((path) => /(?<!\.d)\.ts$/.test(path) && !path.startsWith("examples/"))).toEqual([]);
});

test("a strict program importing @fascia/pulumi by name type-checks without skipLibCheck", () => {
  // The program a user writes: typed arguments, the helpers, the components' outputs.
  writeFileSync(
    join(app, "index.ts"),
    `import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { FasciaDeployment, FasciaTool, InvalidSpecsError, secretNames, specsFromDir, type FasciaDeploymentArgs } from "@fascia/pulumi";

const config = new pulumi.Config();
// The reservations example the package ships.
const specDir = join(dirname(require.resolve("@fascia/pulumi/package.json")), "examples", "reservations");
let names: string[];
try {
  names = secretNames(specsFromDir(specDir));
} catch (error) {
  if (error instanceof InvalidSpecsError) throw new Error(\`invalid specs: \${error.message}\`);
  throw error;
}
const args: FasciaDeploymentArgs = {
  specDir,
  image: config.require("image"),
  secrets: Object.fromEntries(names.map((name) => [name, config.requireSecret(name)])),
  service: { maxInstances: 3 },
};
export const app = new FasciaDeployment("shop", args);
export const serviceUrl: pulumi.Output<string> = app.serviceUrl;
export const riskLevels = app.riskLevels;
export const planHash = app.planHash;
export const toolClass: typeof FasciaTool = FasciaTool;
`,
  );
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, skipLibCheck: false, target: "ES2022", module: "node16", outDir: "bin", rootDir: "." },
      files: ["index.ts"],
    }),
  );
  // The repo's own TypeScript (5.x), not whatever npm would pick for the empty project.
  node([join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app);
  expect(readFileSync(join(app, "bin", "index.js"), "utf8")).toContain('require("@fascia/pulumi")');
}, 180_000);

/** Runs the compiled program under the SDK's mocks in a process of its own (mocks are set once per process). */
function runUnderMocks(preview: boolean) {
  writeFileSync(
    join(app, "mocked.js"),
    `// Plain CommonJS: the package by require, the program compiled by tsc.
const pulumi = require("@pulumi/pulumi");
const fascia = require("@fascia/pulumi");
const preview = process.argv[2] === "preview";
const registered = [];
pulumi.runtime.setAllConfig(
  { "shop:image": ${JSON.stringify(IMAGE)}, "shop:PAYMENTS_API_KEY": "k1", "shop:PAYMENTS_WEBHOOK_SECRET": "k2", "shop:OPS_WEBHOOK_TOKEN": "k3", "gcp:project": "acme", "gcp:region": "europe-west1" },
  ["shop:PAYMENTS_API_KEY", "shop:PAYMENTS_WEBHOOK_SECRET", "shop:OPS_WEBHOOK_TOKEN"],
);
const known = (output) => output.isKnown.then((isKnown) => (isKnown ? output.promise() : undefined));
(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = { ...args.inputs };
        // In an update the cloud computes these; in a preview they stay unknown.
        if (!preview && args.type === "gcp:cloudrunv2/service:Service") state.uri = "https://" + args.name + "-x7k2p9-ew.a.run.app";
        if (!preview && args.type === "gcp:sql/databaseInstance:DatabaseInstance") state.connectionName = "acme:europe-west1:" + args.name;
        return { id: args.name + "-id", state };
      },
      // The project number gives the service's deterministic URL (the scheduler's audience).
      call: (args) => (args.token === "gcp:organizations/getProject:getProject" ? { ...args.inputs, number: "123456789012" } : args.inputs),
    },
    "shop",
    "dev",
    preview,
  );
  const program = require("./bin/index.js");
  const out = { riskLevels: await known(program.riskLevels), planHash: await known(program.planHash), serviceUrl: await known(program.serviceUrl) };
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  // URNs carry the parent chain: which resources the components registered as their children.
  const urns = [...pulumi.runtime.getMonitor().resources.keys()];
  process.stdout.write(JSON.stringify({
    entry: require.resolve("@fascia/pulumi"),
    exported: Object.keys(fascia).sort(),
    sameClass: program.app instanceof fascia.FasciaDeployment,
    out,
    registered,
    urns,
  }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`,
  );
  return JSON.parse(node(["mocked.js", preview ? "preview" : "update"], app)) as {
    entry: string;
    exported: string[];
    sameClass: boolean;
    out: { riskLevels?: Record<string, string>; planHash?: string; serviceUrl?: string };
    registered: { type: string; name: string; inputs: Record<string, unknown> }[];
    urns: string[];
  };
}

const SERVICE = "gcp:cloudrunv2/service:Service";
const childrenOf = (urns: string[], parentType: string, type: string) =>
  urns.filter((urn) => urn.split("::")[2]!.split("$").slice(-2).join("$") === `${parentType}$${type}`);

describe.each([true, false])("under the SDK's mocks (preview: %s)", (preview) => {
  let result: ReturnType<typeof runUnderMocks>;
  beforeAll(() => {
    result = runUnderMocks(preview);
  }, 120_000);

  test("require('@fascia/pulumi') is the built CommonJS entry of the installed package", () => {
    expect(result.entry).toBe(join(app, "node_modules", "@fascia", "pulumi", "dist", "index.js"));
    expect(result.exported).toEqual(
      expect.arrayContaining(["FasciaDeployment", "FasciaEntity", "FasciaTool", "InvalidSpecsError", "secretNames", "specsFromDir"]),
    );
    expect(result.sameClass).toBe(true);
  });

  test("FasciaDeployment registers its Cloud Run service, running the image given, and its tools and entities", () => {
    const services = result.registered.filter((r) => r.type === SERVICE);
    expect(services).toHaveLength(1);
    expect(services[0]!.inputs).toMatchObject({
      template: { containers: [expect.objectContaining({ image: IMAGE })], scaling: { maxInstanceCount: 3 } },
    });
    expect(childrenOf(result.urns, "fascia:index:FasciaDeployment", SERVICE)).toHaveLength(1);
    // The example's eight tools and three entities, each a component under the deployment.
    expect(childrenOf(result.urns, "fascia:index:FasciaDeployment", "fascia:index:FasciaTool")).toHaveLength(8);
    expect(childrenOf(result.urns, "fascia:index:FasciaDeployment", "fascia:index:FasciaEntity")).toHaveLength(3);
  });

  test("governance decides in both; only an update knows what the cloud computes", () => {
    expect(result.out.riskLevels).toMatchObject({ listReservations: "green", confirmReservation: "yellow" });
    expect(result.out.planHash).toMatch(/^[0-9a-f]{64}$/);
    if (preview) expect(result.out.serviceUrl).toBeUndefined();
    else expect(result.out.serviceUrl).toMatch(/^https:\/\/.+\.a\.run\.app$/);
  });
});

test("import from ESM finds the same named exports", () => {
  const out = node(
    [
      "--input-type=module",
      "-e",
      'import { FasciaDeployment, specsFromDir } from "@fascia/pulumi"; console.log(typeof FasciaDeployment, typeof specsFromDir)',
    ],
    app,
  );
  expect(out.trim()).toBe("function function");
});

describe("the installed package as a Pulumi plugin", () => {
  /** Starts `args` in the user's project and returns the port it printed (the engine reads it). */
  function portOf(args: string[], cwd: string): Promise<{ port: number; stop: () => void }> {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    return new Promise((resolvePort, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split("\n").find((l) => /^\d+$/.test(l.trim()));
        if (line) resolvePort({ port: Number(line), stop: () => child.kill() });
      });
      child.on("exit", (code) => reject(new Error(`exited ${code} before printing a port:\n${out}\n${err}`)));
    });
  }

  async function schemaAt(port: number): Promise<{ name: string; version: string }> {
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, credentials.createInsecure());
    try {
      return await new Promise((resolveSchema, reject) =>
        client.getSchema(new GetSchemaRequest().setVersion(0), (error, response) =>
          error ? reject(error) : resolveSchema(JSON.parse(response.getSchema()) as { name: string; version: string }),
        ),
      );
    } finally {
      client.close();
    }
  }

  const installed = () => join(app, "node_modules", "@fascia", "pulumi");

  test("bin/pulumi-resource-fascia (on PATH or in a plugin directory) serves the package's schema", async () => {
    const plugin = await portOf([join(installed(), "bin", "pulumi-resource-fascia"), "127.0.0.1:1"], app);
    try {
      expect(await schemaAt(plugin.port)).toMatchObject({ name: "fascia", version: "0.1.0" });
    } finally {
      plugin.stop();
    }
  }, 60_000);

  test("pulumi-plugin/, run as the Node.js language host runs a source plugin, serves it too", async () => {
    const folder = join(installed(), "pulumi-plugin");
    const runPlugin = join(app, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");
    const plugin = await portOf([runPlugin, folder, "127.0.0.1:1"], folder);
    try {
      expect(await schemaAt(plugin.port)).toMatchObject({ name: "fascia", version: "0.1.0" });
    } finally {
      plugin.stop();
    }
  }, 60_000);
});
