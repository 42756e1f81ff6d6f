/**
 * The `pulumi-resource-fascia` plugin played by the engine over the real protocol: the plugin is
 * started as the engine starts it (a child process given the engine's address, printing its
 * port), GetSchema and Construct are called with the SDK's own gRPC stubs, and the resource
 * monitor the plugin registers the component and its children with is served here
 * (support/engine.ts). Inputs arrive as the engine sends them: plain values, unknowns at preview,
 * secret wrappers, values with dependencies.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { join } from "node:path";
import type * as grpc from "@grpc/grpc-js";
import type { JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { InputPropertiesError } from "@pulumi/pulumi/proto/errors_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { specsFromDir } from "../../components/spec-input";
import { secretNames } from "../../loader/model";
import { GREEN_TOOL, IMAGE, ITEM, RED_TOOL } from "../components/support/small-app";
import {
  construct,
  ensureBuilt,
  PlayedEngine,
  getSchema,
  outputValue,
  REPO,
  SECRET_SIG,
  secret,
  SIG,
  startPlugin,
  UNKNOWN,
  type RunningPlugin,
} from "./support/engine";
import { EXAMPLE_TOOLS, exampleToolComponents } from "../support/example-names";

const RESERVATIONS = join(REPO, "examples", "reservations");
const engine = new PlayedEngine("shop", "dev");
let monitor: string;
let plugin: RunningPlugin;

beforeAll(async () => {
  ensureBuilt();
  monitor = await engine.start();
  // One address serves both: the Engine (logs) and the ResourceMonitor (registrations).
  plugin = await startPlugin(monitor);
}, 120_000);

afterAll(async () => {
  plugin?.stop();
  await engine.stop();
});

const urnOf = (type: string, name: string) => `urn:pulumi:dev::shop::${type}::${name}`;

/**
 * What the engine shows of a failed Construct: the error's message, then each input the provider
 * named (pulumirpc.InputPropertiesError in the status details) as `path: reason`.
 */
async function constructError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return errorText(error as grpc.ServiceError);
  }
  throw new Error("Construct succeeded");
}

function errorText(error: grpc.ServiceError): string {
  const lines = [error.details];
  for (const bin of error.metadata?.get("grpc-status-details-bin") ?? []) {
    for (const detail of Status.deserializeBinary(bin as Buffer).getDetailsList()) {
      const properties = detail.unpack(InputPropertiesError.deserializeBinary, "pulumirpc.InputPropertiesError");
      for (const e of properties?.getErrorsList() ?? []) lines.push(`${e.getPropertyPath()}: ${e.getReason()}`);
    }
  }
  return lines.join("\n");
}

/** The value with every secret wrapper's contents removed: what is not secret. */
function withoutSecrets(value: JavaScriptValue): JavaScriptValue {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value !== null && typeof value === "object") {
    if ((value as Record<string, JavaScriptValue>)[SIG] === SECRET_SIG) return "[secret]";
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v!)]));
  }
  return value;
}

test("GetSchema returns schema.json", async () => {
  expect(JSON.parse(await getSchema(plugin.client))).toEqual(JSON.parse(readFileSync(join(REPO, "schema.json"), "utf8")));
});

test("FasciaDeployment from plain inputs and a secret-wrapped secrets map: URN, outputs, children; the secrets never in plain text", async () => {
  const names = secretNames(specsFromDir(RESERVATIONS));
  expect(names.length).toBeGreaterThan(1);
  const values = Object.fromEntries(names.map((n) => [n, `s3cr3t-${n}-value`]));
  const result = await construct(plugin.client, engine, monitor, {
    type: "fascia:index:FasciaDeployment",
    name: "reservations",
    dryRun: false,
    inputs: {
      specDir: RESERVATIONS,
      image: IMAGE,
      project: "acme",
      region: "europe-west1",
      // As a Python or YAML program sends `config.require_secret(…)` values: each one secret.
      secrets: Object.fromEntries(Object.entries(values).map(([n, v]) => [n, secret(v)])),
      database: { tier: "db-custom-1-3840", deletionProtection: false },
      service: { maxInstances: 5 },
    },
  });
  const urn = urnOf("fascia:index:FasciaDeployment", "reservations");
  expect(result.urn).toBe(urn);
  expect(result.state.imageRef).toBe(IMAGE);
  expect(result.state.planHash).toMatch(/^[0-9a-f]{64}$/);
  expect(result.state.serviceUrl).toBe("https://reservations-executor-uc.a.run.app");
  expect(result.state.connectionName).toBe("acme:europe-west1:reservations-db");
  expect(Object.keys(result.state.riskLevels as object).sort()).toEqual([...EXAMPLE_TOOLS]);
  expect((result.state.endpoints as Record<string, string>).createRoom).toMatch(/^POST https:\/\/reservations-executor-uc\.a\.run\.app\//);
  expect(typeof result.state.databasePoolMax).toBe("number");

  // The component registered itself under the stack, then its children under it; its outputs at the end.
  const component = engine.registered.find((r) => r.urn === urn)!;
  expect(component).toMatchObject({ type: "fascia:index:FasciaDeployment", parent: engine.stackUrn, custom: false, remote: false });
  expect(engine.outputs.get(urn)).toMatchObject({ imageRef: IMAGE, planHash: result.state.planHash });
  const children = engine.descendants(urn);
  const types = new Set(children.map((c) => c.type));
  for (const type of [
    "gcp:projects/service:Service",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:serviceaccount/account:Account",
    "gcp:secretmanager/secret:Secret",
    "gcp:secretmanager/secretVersion:SecretVersion",
    "gcp:cloudrunv2/job:Job",
    "gcp:cloudrunv2/service:Service",
    "gcp:cloudscheduler/job:Job",
    "fascia:index:FasciaEntity",
    "fascia:index:FasciaTool",
    "pulumi-nodejs:dynamic/fascia:EntitySpecRecord",
  ])
    expect([type, types.has(type)]).toEqual([type, true]);
  // An image was given: none is built.
  expect(types.has("fascia:index:FasciaExecutorImage")).toBe(false);
  const tools = children.filter((c) => c.type === "fascia:index:FasciaTool");
  expect(tools.map((t) => t.name).sort()).toEqual(exampleToolComponents("reservations"));
  for (const tool of tools) expect(tool.parent).toBe(urn);
  expect(tools.every((t) => t.urn === `urn:pulumi:dev::shop::fascia:index:FasciaDeployment$fascia:index:FasciaTool::${t.name}`)).toBe(true);
  const records = children.filter((c) => c.type === "pulumi-nodejs:dynamic/fascia:EntitySpecRecord");
  expect(records.map((r) => engine.registered.find((p) => p.urn === r.parent)!.type)).toEqual(
    records.map(() => "fascia:index:FasciaEntity"),
  );

  // Each spec secret's version carries its value as a secret; nothing anywhere carries it in plain text.
  const versions = children.filter((c) => c.type === "gcp:secretmanager/secretVersion:SecretVersion");
  for (const name of names) {
    const carrying = versions.filter((v) => JSON.stringify(v.object).includes(values[name]!));
    expect([name, carrying.length]).toEqual([name, 1]);
    expect(carrying[0]!.object.secretData).toEqual(secret(values[name]!));
  }
  // Logs above debug (the SDK's own debug lines echo what the engine answered, secrets included, as the engine sent them).
  const logs = engine.logs.filter((l) => l.severity > 0);
  const plain = JSON.stringify([engine.registered.map((r) => withoutSecrets(r.object)), withoutSecrets(result.state), logs]);
  for (const value of Object.values(values)) expect(plain).not.toContain(value);
  expect(plugin.stdout() + plugin.stderr()).not.toContain("s3cr3t");
  // The acknowledged Yellow tool is deployed with a warning (severity 2) on its component.
  expect(engine.logs.some((l) => l.severity === 2 && /completeStays is YELLOW/.test(l.message))).toBe(true);
}, 60_000);

test("preview: an unknown input stays unknown in the outputs; the tool is governed all the same", async () => {
  const result = await construct(plugin.client, engine, monitor, {
    type: "fascia:index:FasciaTool",
    name: "add",
    dryRun: true,
    inputs: { spec: GREEN_TOOL as unknown as JavaScriptValue, entities: [ITEM as unknown as JavaScriptValue], serviceUrl: UNKNOWN },
  });
  expect(result.urn).toBe(urnOf("fascia:index:FasciaTool", "add"));
  expect(result.state).toMatchObject({ toolName: "addItemGreen", risk: "green", method: "POST", path: "/items/green", endpoint: UNKNOWN });
  expect((result.state.riskReport as { risk: string }).risk).toBe("green");
});

test("preview: an unknown where a value decides which resources exist fails Construct naming the input", async () => {
  const message = await constructError(
    construct(plugin.client, engine, monitor, {
      type: "fascia:index:FasciaDeployment",
      name: "app",
      dryRun: true,
      inputs: { specs: [ITEM, GREEN_TOOL] as unknown as JavaScriptValue, image: UNKNOWN, project: "acme", region: "europe-west1" },
    }),
  );
  expect(message).toMatch(/^image: FasciaDeployment app: `image` must be a plain value, known when the program runs/m);
});

test("an input with dependencies: the children depend on what it came from; a plain one's become the component's", async () => {
  const service = "urn:pulumi:dev::shop::gcp:cloudrunv2/service:Service::executor";
  const network = "urn:pulumi:dev::shop::gcp:compute/network:Network::vpc";
  const specs = specsFromDir(RESERVATIONS);
  const stays = specs.tools.get("completeStays")!.spec;
  const entities = [...specs.entities.values()].map((e) => e.spec);
  const result = await construct(plugin.client, engine, monitor, {
    type: "fascia:index:FasciaTool",
    name: "nightly",
    dryRun: false,
    inputs: {
      spec: stays as unknown as JavaScriptValue,
      // The new engine's form: an output value carrying its dependencies …
      serviceUrl: outputValue("https://executor-uc.a.run.app", [service]),
      // … and the older one: a plain value, its dependencies beside it in inputDependencies.
      scheduler: { serviceAccountEmail: "sched@acme.iam.gserviceaccount.com" },
      entities: entities as unknown as JavaScriptValue,
    },
    inputDependencies: { serviceUrl: [service], scheduler: [network], entities: [network] },
  });
  expect(result.state.endpoint).toBe("https://executor-uc.a.run.app/_fascia/scheduled/completeStays");
  // The engine learns what the returned outputs depend on: the endpoint, on the service it came from.
  expect(result.stateDependencies.endpoint).toContain(service);
  const component = engine.registered.find((r) => r.urn === result.urn)!;
  const job = engine.descendants(result.urn).find((c) => c.type === "gcp:cloudscheduler/job:Job")!;
  expect(job.name).toBe("nightly-schedule");
  expect(job.propertyDependencies.httpTarget).toEqual(expect.arrayContaining([service, network]));
  // `entities` decides what is governed (plain): its value is used, its dependencies the component's.
  expect(component.dependencies).toContain(network);
  // What a resource policy reads: the tool's registration carries its name, risk and report.
  expect(component.object).toMatchObject({
    toolName: "completeStays",
    risk: "yellow",
    riskReport: { name: "completeStays", deployable: true },
  });
}, 30_000);

test("a Red tool fails Construct with the risk report", async () => {
  const message = await constructError(
    construct(plugin.client, engine, monitor, {
      type: "fascia:index:FasciaTool",
      name: "add",
      dryRun: true,
      inputs: { spec: RED_TOOL as unknown as JavaScriptValue, entities: [ITEM as unknown as JavaScriptValue] },
    }),
  );
  expect(message).toMatch(/tool addItem may not deploy: it is RED \(R001\)/);
  expect(message).toMatch(/R001/);
});

test("a deployment with a Red tool fails Construct before any child exists", async () => {
  const message = await constructError(
    construct(plugin.client, engine, monitor, {
      type: "fascia:index:FasciaDeployment",
      name: "app",
      dryRun: true,
      inputs: { specs: [ITEM, RED_TOOL] as unknown as JavaScriptValue, image: IMAGE, project: "acme", region: "europe-west1" },
    }),
  );
  expect(message).toMatch(/1 of 1 tools may not deploy/);
  expect(engine.registered.filter((r) => r.type !== "fascia:index:FasciaDeployment")).toEqual([]);
});

test("examples/yaml's program, sent as the YAML runtime would: its config resolved, its secrets secret", async () => {
  const dir = join(REPO, "examples", "yaml");
  const program = parse(readFileSync(join(dir, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { secret?: boolean; default?: string }>;
    resources: { reservations: { type: string; properties: Record<string, unknown> } };
  };
  /** `${pulumi.cwd}` and `${key}` as Pulumi YAML resolves them: secret config values arrive secret. */
  const resolve = (value: unknown): JavaScriptValue => {
    if (typeof value === "string") {
      const whole = value.match(/^\$\{(\w+)\}$/);
      if (whole) {
        const setting = program.config[whole[1]!]!;
        return setting.secret ? secret(`yaml-${whole[1]}`) : setting.default!;
      }
      return value.replace("${pulumi.cwd}", dir);
    }
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value as JavaScriptValue;
  };
  const { type, properties } = program.resources.reservations;
  const result = await construct(plugin.client, engine, monitor, {
    type,
    name: "reservations",
    dryRun: true,
    // project and region come from the stack config (gcp:project, gcp:region) in a real run; an image by digest so none is built here.
    inputs: { ...(resolve(properties) as Record<string, JavaScriptValue>), project: "acme", region: "europe-west1", image: IMAGE },
  });
  expect(result.urn).toBe(urnOf(type, "reservations"));
  expect(Object.values(result.state.riskLevels as Record<string, string>).every((level) => level !== "red")).toBe(true);
  expect(engine.descendants(result.urn).filter((c) => c.type === "gcp:secretmanager/secretVersion:SecretVersion")).toHaveLength(5);
}, 30_000);

test("an explicit gcp provider of the program reaches every gcp child; project and region are then its own", async () => {
  const provider = "urn:pulumi:dev::shop::pulumi:providers:gcp::europe::0b2f6c8e-provider-id";
  const result = await construct(plugin.client, engine, monitor, {
    type: "fascia:index:FasciaDeployment",
    name: "app",
    dryRun: true,
    // No project, no region, no gcp:project config: the provider supplies them.
    inputs: { specs: [ITEM, GREEN_TOOL] as unknown as JavaScriptValue, image: IMAGE },
    providers: { gcp: provider },
  });
  const gcpChildren = engine.descendants(result.urn).filter((c) => c.type.startsWith("gcp:"));
  expect(gcpChildren.length).toBeGreaterThan(10);
  expect(gcpChildren.filter((c) => c.provider !== provider).map((c) => c.type)).toEqual([]);
  // No project is set from the args: only ones read back from children the provider placed (unknown at preview).
  expect(gcpChildren.filter((c) => c.object.project !== undefined && c.object.project !== UNKNOWN).map((c) => c.type)).toEqual([]);
}, 30_000);

test("secrets as output values (secret, with dependencies): each version secret, depending on where its value came from", async () => {
  const names = secretNames(specsFromDir(RESERVATIONS));
  const source = "urn:pulumi:dev::shop::random:index/randomPassword:RandomPassword::token";
  const result = await construct(plugin.client, engine, monitor, {
    type: "fascia:index:FasciaDeployment",
    name: "reservations",
    dryRun: true,
    inputs: {
      specDir: RESERVATIONS,
      image: IMAGE,
      project: "acme",
      region: "europe-west1",
      secrets: Object.fromEntries(names.map((n) => [n, outputValue(`ov-${n}`, [source], true)])),
    },
    inputDependencies: { secrets: [source] },
  });
  const versions = engine.descendants(result.urn).filter((c) => c.type === "gcp:secretmanager/secretVersion:SecretVersion");
  for (const name of names) {
    const version = versions.find((v) => JSON.stringify(v.object).includes(`ov-${name}`))!;
    expect(version.object.secretData).toEqual(secret(`ov-${name}`));
    expect(version.propertyDependencies.secretData).toContain(source);
  }
}, 30_000);

test("a plain input that arrives secret fails Construct naming it, before the component judges anything", async () => {
  const specs = specsFromDir(RESERVATIONS);
  const message = await constructError(
    construct(plugin.client, engine, monitor, {
      type: "fascia:index:FasciaTool",
      name: "nightly",
      dryRun: false,
      inputs: {
        spec: secret(specs.tools.get("completeStays")!.spec as unknown as JavaScriptValue),
        entities: [...specs.entities.values()].map((e) => e.spec) as unknown as JavaScriptValue,
        serviceUrl: "https://executor-uc.a.run.app",
        scheduler: { serviceAccountEmail: "sched@acme.iam.gserviceaccount.com" },
      },
    }),
  );
  expect(message).toMatch(/^spec: `spec` must be a plain value, not a secret: it decides which resources exist$/m);
  expect(engine.registered.filter((r) => r.type === "gcp:cloudscheduler/job:Job")).toEqual([]);
}, 30_000);

test("FasciaEntity: its name and table out, its record a child, its name registered for policies", async () => {
  const result = await construct(plugin.client, engine, monitor, {
    type: "fascia:index:FasciaEntity",
    name: "item",
    dryRun: false,
    inputs: { spec: ITEM as unknown as JavaScriptValue },
  });
  expect(result.urn).toBe(urnOf("fascia:index:FasciaEntity", "item"));
  expect(result.state).toMatchObject({ entityName: "Item", tableName: "item" });
  expect(engine.registered.find((r) => r.urn === result.urn)!.object).toMatchObject({ entityName: "Item" });
  expect(engine.descendants(result.urn).map((c) => [c.type, c.name])).toEqual([
    ["pulumi-nodejs:dynamic/fascia:EntitySpecRecord", "item-record"],
  ]);
}, 30_000);

test("an unknown token, or a required input missing, fails Construct saying so", async () => {
  expect(
    await constructError(construct(plugin.client, engine, monitor, { type: "fascia:index:Nope", name: "x", dryRun: true, inputs: {} })),
  ).toMatch(/unknown resource type fascia:index:Nope: this plugin serves fascia:index:FasciaDeployment, /);
  expect(
    await constructError(
      construct(plugin.client, engine, monitor, { type: "fascia:index:FasciaTool", name: "x", dryRun: true, inputs: {} }),
    ),
  ).toMatch(/^spec: fascia:index:FasciaTool x: `spec` is required$/m);
});
