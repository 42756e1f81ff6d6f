/**
 * The plugin as Pulumi's Node.js language host runs a source-based plugin (RunPlugin): the SDK's
 * own `@pulumi/pulumi/cmd/run-plugin` with the plugin folder (pulumi-plugin/, its
 * PulumiPlugin.yaml) as the program and the engine's address as its argument. It must serve
 * Fascia's schema. Running the package root instead would start the SDK's inferred component host
 * (componentProviderHost) over the classes the root exports, which cannot type `specs` at all —
 * the second test keeps that evidence for the decision in docs/deploy.md.
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as providerrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ensureBuilt, PlayedEngine, getSchema, printedPort, REPO } from "./support/engine";

const RUN_PLUGIN = join(REPO, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin");
const engine = new PlayedEngine("shop", "dev");
const children: ChildProcess[] = [];

beforeAll(async () => {
  ensureBuilt();
  await engine.start();
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill();
  await engine.stop();
});

/** Runs `program` (a folder) as the language host does and returns a client on the port it prints. */
async function runAsPlugin(program: string): Promise<providerrpc.ResourceProviderClient> {
  const child = spawn(process.execPath, [RUN_PLUGIN, program, engine.address], { cwd: program, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const { port } = await printedPort(child);
  return new providerrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

test("pulumi-plugin/ run as a Node.js plugin serves Fascia's schema.json", async () => {
  expect(readFileSync(join(REPO, "pulumi-plugin", "PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  const client = await runAsPlugin(join(REPO, "pulumi-plugin"));
  try {
    expect(JSON.parse(await getSchema(client))).toEqual(JSON.parse(readFileSync(join(REPO, "schema.json"), "utf8")));
  } finally {
    client.close();
  }
}, 60_000);

test("why not the package root: run as a plugin, the SDK infers a provider from the classes it exports, and cannot type `specs`", async () => {
  const client = await runAsPlugin(REPO);
  try {
    await expect(getSchema(client)).rejects.toThrow(
      /Unsupported type for component 'FasciaDeployment' property 'FasciaDeploymentArgs\.specs\[\]': type 'unknown'/,
    );
  } finally {
    client.close();
  }
}, 60_000);
