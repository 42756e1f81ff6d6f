/**
 * The Pulumi engine's side of a component provider, over the real gRPC protocol and the stubs the
 * SDK ships: it starts the `pulumi-resource-fascia` plugin as the engine does (a child process
 * given the engine's address, which prints the port it serves on), calls GetSchema and Construct
 * on it, and serves the ResourceMonitor and Engine services the plugin's Construct registers the
 * component and its children with. Every request is recorded for the test to read.
 *
 * The monitor answers RegisterResource as the engine does without touching a cloud: a URN built
 * from the parent chain, at preview the inputs back (outputs unknown), at update the inputs plus
 * a few outputs the components read (a service's uri, an account's email, …).
 */
import * as grpc from "@grpc/grpc-js";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineproto from "@pulumi/pulumi/proto/engine_pb";
import * as providerrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerproto from "@pulumi/pulumi/proto/provider_pb";
import * as resourcerpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceproto from "@pulumi/pulumi/proto/resource_pb";
import { InvokeResponse } from "@pulumi/pulumi/proto/provider_pb";

export const REPO = join(__dirname, "..", "..", "..");

/** The engine's wire markers (sdk/go/common/resource/plugin/rpc.go). */
export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const secret = (value: JavaScriptValue): JavaScriptValue => ({ [SIG]: SECRET_SIG, value });
export const outputValue = (value: JavaScriptValue | undefined, dependencies: string[], isSecret = false): JavaScriptValue => ({
  [SIG]: OUTPUT_SIG,
  ...(value !== undefined ? { value } : {}),
  ...(isSecret ? { secret: true } : {}),
  dependencies,
});

export interface Registered {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  remote: boolean;
  object: Record<string, JavaScriptValue>;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** The provider reference (`urn::id`) the registration names; empty for the default provider. */
  provider: string;
}

export interface LogEntry {
  severity: number;
  message: string;
  urn: string;
}

/** What the update's resources report besides their inputs (only what the components read). */
const OUTPUTS: Record<string, (name: string) => Record<string, JavaScriptValue>> = {
  "gcp:cloudrunv2/service:Service": (name) => ({ uri: `https://${name}-uc.a.run.app` }),
  "gcp:sql/databaseInstance:DatabaseInstance": (name) => ({ connectionName: `acme:europe-west1:${name}`, name, project: "acme" }),
  "gcp:serviceaccount/account:Account": (name) => ({ email: `${name}@acme.iam.gserviceaccount.com`, project: "acme" }),
  "gcp:secretmanager/secret:Secret": (name) => ({ name: `projects/acme/secrets/${name}` }),
  "gcp:artifactregistry/repository:Repository": (name) => ({ name, location: "europe-west1", project: "acme" }),
};

/** What the update's invokes answer (only what the components read): the project number of the service's own URL. */
const INVOKE_RESULTS: Record<string, Record<string, JavaScriptValue>> = {
  "gcp:organizations/getProject:getProject": { number: "123456789012" },
};

export class PlayedEngine {
  readonly registered: Registered[] = [];
  readonly outputs = new Map<string, Record<string, JavaScriptValue>>();
  readonly logs: LogEntry[] = [];
  readonly features: string[] = [];
  readonly invokes: string[] = [];
  private server = new grpc.Server();
  private types = new Map<string, string>();
  dryRun = false;
  address = "";

  constructor(
    readonly project: string,
    readonly stack: string,
  ) {}

  get stackUrn(): string {
    return `urn:pulumi:${this.stack}::${this.project}::pulumi:pulumi:Stack::${this.project}-${this.stack}`;
  }

  async start(): Promise<string> {
    this.types.set(this.stackUrn, "pulumi:pulumi:Stack");
    this.server.addService(resourcerpc.ResourceMonitorService, {
      supportsFeature: (
        call: grpc.ServerUnaryCall<resourceproto.SupportsFeatureRequest, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        const id = call.request.getId();
        this.features.push(id);
        // What this engine implements: secrets and resource references, not output values in registrations.
        callback(
          null,
          new resourceproto.SupportsFeatureResponse().setHassupport(["secrets", "resourceReferences", "aliasSpecs"].includes(id)),
        );
      },
      registerResource: (
        call: grpc.ServerUnaryCall<resourceproto.RegisterResourceRequest, unknown>,
        callback: grpc.sendUnaryData<resourceproto.RegisterResourceResponse>,
      ) => callback(null, this.register(call.request)),
      registerResourceOutputs: (
        call: grpc.ServerUnaryCall<resourceproto.RegisterResourceOutputsRequest, unknown>,
        callback: grpc.sendUnaryData<Empty>,
      ) => {
        this.outputs.set(call.request.getUrn(), (call.request.getOutputs()?.toJavaScript() ?? {}) as Record<string, JavaScriptValue>);
        callback(null, new Empty());
      },
      invoke: (call: grpc.ServerUnaryCall<resourceproto.ResourceInvokeRequest, unknown>, callback: grpc.sendUnaryData<InvokeResponse>) => {
        const token = call.request.getTok();
        this.invokes.push(token);
        callback(null, new InvokeResponse().setReturn(Struct.fromJavaScript(INVOKE_RESULTS[token] ?? {})));
      },
    });
    this.server.addService(enginerpc.EngineService, {
      log: (call: grpc.ServerUnaryCall<engineproto.LogRequest, unknown>, callback: grpc.sendUnaryData<Empty>) => {
        this.logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
        callback(null, new Empty());
      },
      getRootResource: (_call: unknown, callback: grpc.sendUnaryData<engineproto.GetRootResourceResponse>) =>
        callback(null, new engineproto.GetRootResourceResponse().setUrn(this.stackUrn)),
      setRootResource: (_call: unknown, callback: grpc.sendUnaryData<engineproto.SetRootResourceResponse>) =>
        callback(null, new engineproto.SetRootResourceResponse()),
    });
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
    );
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  private register(request: resourceproto.RegisterResourceRequest): resourceproto.RegisterResourceResponse {
    const type = request.getType();
    const name = request.getName();
    const parent = request.getParent();
    const parentType = this.types.get(parent);
    const qualified = parentType === undefined || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    const urn = `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    this.types.set(urn, qualified);
    const object = (request.getObject()?.toJavaScript() ?? {}) as Record<string, JavaScriptValue>;
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, deps] of request.getPropertydependenciesMap().entries()) propertyDependencies[key] = deps.getUrnsList();
    this.registered.push({
      urn,
      type,
      name,
      parent,
      custom: request.getCustom(),
      remote: request.getRemote(),
      object,
      dependencies: request.getDependenciesList(),
      propertyDependencies,
      provider: request.getProvider(),
    });
    const response = new resourceproto.RegisterResourceResponse().setUrn(urn);
    if (request.getCustom()) {
      response.setId(this.dryRun ? "" : `${name}-id`);
      response.setObject(Struct.fromJavaScript(this.dryRun ? object : { ...object, ...(OUTPUTS[type]?.(name) ?? {}) }));
    }
    return response;
  }

  /** Children of `urn`, all the way down. */
  descendants(urn: string): Registered[] {
    const direct = this.registered.filter((r) => r.parent === urn);
    return direct.flatMap((r) => [r, ...this.descendants(r.urn)]);
  }

  reset(dryRun: boolean): void {
    this.registered.length = 0;
    this.logs.length = 0;
    this.outputs.clear();
    this.dryRun = dryRun;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

/** The plugin's process and a provider client connected to the port it printed. */
export interface RunningPlugin {
  process: ChildProcess;
  client: providerrpc.ResourceProviderClient;
  stderr: () => string;
  stdout: () => string;
  stop: () => void;
}

/** The plugin runs dist/ (bin/pulumi-resource-fascia): rebuilt first when a source is newer. */
export function ensureBuilt(): void {
  const built = join(REPO, "dist", "plugin", "main.js");
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const product = ["language", "contracts", "loader", "compiler", "risk", "build", "provider", "components", "plugin"];
  const newest = Math.max(...product.map((folder) => newestTs(join(REPO, folder))), statSync(join(REPO, "index.ts")).mtimeMs);
  if (newest <= builtAt) return;
  const result = spawnSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
    cwd: REPO,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
}

function newestTs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The port a plugin prints on stdout, as the engine reads it (the first line that is a number), and what it wrote. */
export async function printedPort(child: ChildProcess): Promise<{ port: number; stdout: () => string; stderr: () => string }> {
  let out = "";
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => /^\d+$/.test(l.trim()));
      if (line) resolve(Number(line));
    });
    child.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before printing its port:\n${out}\n${err}`)));
  });
  return { port, stdout: () => out, stderr: () => err };
}

export async function startPlugin(engineAddress: string): Promise<RunningPlugin> {
  const child = spawn(process.execPath, [join(REPO, "bin", "pulumi-resource-fascia"), engineAddress], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { port, stdout, stderr } = await printedPort(child);
  const client = new providerrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    process: child,
    client,
    stderr,
    stdout,
    stop: () => {
      client.close();
      child.kill();
    },
  };
}

export function getSchema(client: providerrpc.ResourceProviderClient): Promise<string> {
  return new Promise((resolve, reject) =>
    client.getSchema(new providerproto.GetSchemaRequest().setVersion(0), (error, response) =>
      error ? reject(error) : resolve(response.getSchema()),
    ),
  );
}

export interface ConstructCall {
  type: string;
  name: string;
  inputs: Record<string, JavaScriptValue>;
  /** Per input: the URNs it depends on (the engine's inputDependencies). */
  inputDependencies?: Record<string, string[]>;
  dependencies?: string[];
  /** Package → provider reference (`urn::id`): the program's explicit providers. */
  providers?: Record<string, string>;
  dryRun: boolean;
}

export interface Constructed {
  urn: string;
  state: Record<string, JavaScriptValue>;
  stateDependencies: Record<string, string[]>;
}

/** Construct as the engine sends it: project, stack, monitor endpoint, the inputs Struct, their dependencies. */
export function construct(
  client: providerrpc.ResourceProviderClient,
  engine: PlayedEngine,
  monitorAddress: string,
  call: ConstructCall,
): Promise<Constructed> {
  engine.reset(call.dryRun);
  const request = new providerproto.ConstructRequest()
    .setProject(engine.project)
    .setStack(engine.stack)
    .setDryrun(call.dryRun)
    .setParallel(16)
    .setMonitorendpoint(monitorAddress)
    .setType(call.type)
    .setName(call.name)
    .setParent(engine.stackUrn)
    .setInputs(Struct.fromJavaScript(call.inputs))
    .setDependenciesList(call.dependencies ?? [])
    .setAcceptsOutputValues(true);
  for (const [pkg, ref] of Object.entries(call.providers ?? {})) request.getProvidersMap().set(pkg, ref);
  const inputDependencies = request.getInputdependenciesMap();
  for (const [key, urns] of Object.entries(call.inputDependencies ?? {}))
    inputDependencies.set(key, new providerproto.ConstructRequest.PropertyDependencies().setUrnsList(urns));
  return new Promise((resolve, reject) =>
    client.construct(request, (error, response) => {
      if (error) return reject(error);
      const stateDependencies: Record<string, string[]> = {};
      for (const [key, deps] of response.getStatedependenciesMap().entries()) stateDependencies[key] = deps.getUrnsList();
      resolve({
        urn: response.getUrn(),
        state: (response.getState()?.toJavaScript() ?? {}) as Record<string, JavaScriptValue>,
        stateDependencies,
      });
    }),
  );
}
