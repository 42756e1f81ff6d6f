/**
 * Pulumi mocks that record every registered resource (type, logical name, inputs, provider
 * reference, parent type from the URN) and return the few computed outputs the real providers
 * would (emails, URLs, connection names). Like the real gcp provider, a resource without a
 * `project` (or region) input gets its provider's: an explicit `pulumi:providers:gcp` resource's
 * inputs, or for the default provider the project and region the mocks were created with (the
 * stack's `gcp:project`/`gcp:region`). Inputs keep the SDK's secret wrappers, so tests can tell a secret reference
 * from a plain value. The dynamic entity record runs its real `check`, as the engine would.
 */
import * as pulumi from "@pulumi/pulumi";
import { entitySpecRecordProvider } from "../../../provider/entity-spec-record";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
  /** The provider reference the SDK sent (`urn::id`), empty for the default provider. */
  provider: string | undefined;
}

export const RECORD_TYPE = "pulumi-nodejs:dynamic/fascia:EntitySpecRecord";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const MOCK_DB_PASSWORD = "mock-db-password-Zq8Xv2";
/** What `gcp.organizations.getProject` answers for any project. */
export const MOCK_PROJECT_NUMBER = "123456789012";

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === SECRET_SIG
  );
}

/** The value with secret wrappers removed (for asserting on what a secret contains). */
export function unwrap(value: unknown): unknown {
  if (isSecretWrapper(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  return value;
}

export function createRecordingMocks(project = "acme-prod", region = "europe-west1") {
  const resources: Registered[] = [];
  /** Explicit providers' inputs by the id the mocks gave them (a reference is `urn::id`). */
  const providers = new Map<string, { project?: string; region?: string }>();
  const mocks: pulumi.runtime.Mocks = {
    async newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      const state: Record<string, unknown> = { ...(unwrap(inputs) as Record<string, unknown>) };
      const name = (inputs.name as string | undefined) ?? `${args.name}-a1b2c3`;
      const id = `${args.name}-id`;
      const explicit = args.provider ? providers.get(args.provider.slice(args.provider.lastIndexOf("::") + 2)) : undefined;
      const fromProvider = explicit ?? { project, region };
      if (args.type.startsWith("gcp:")) state.project ??= fromProvider.project;
      const effectiveProject = state.project as string;
      switch (args.type) {
        case "pulumi:providers:gcp":
          providers.set(id, unwrap(inputs) as { project?: string; region?: string });
          break;
        case "gcp:serviceaccount/account:Account":
          state.email = `${inputs.accountId}@${effectiveProject}.iam.gserviceaccount.com`;
          break;
        case "gcp:sql/databaseInstance:DatabaseInstance":
          state.name = name;
          state.region ??= fromProvider.region;
          state.connectionName = `${effectiveProject}:${state.region}:${name}`;
          break;
        case "gcp:artifactregistry/repository:Repository":
          state.location ??= fromProvider.region;
          state.registryUri = `${state.location as string}-docker.pkg.dev/${effectiveProject}/${inputs.repositoryId as string}`;
          break;
        case "gcp:cloudscheduler/job:Job":
          state.region ??= fromProvider.region;
          break;
        case "gcp:cloudrunv2/service:Service":
          state.name = name;
          state.uri = `https://${name}-x7k2p9-ew.a.run.app`;
          break;
        case "gcp:secretmanager/secretVersion:SecretVersion":
          state.version = "1";
          break;
        case "random:index/randomPassword:RandomPassword":
          state.result = MOCK_DB_PASSWORD;
          break;
        case RECORD_TYPE: {
          const checked = await entitySpecRecordProvider.check({}, unwrap(inputs) as never);
          Object.assign(state, checked.inputs);
          break;
        }
        default:
          state.name ??= name;
      }
      const record = { type: args.type, name: args.name, inputs, state, provider: args.provider };
      resources.push(record);
      return { id, state };
    },
    call(args) {
      if (args.token === "gcp:organizations/getProject:getProject") return { ...args.inputs, number: MOCK_PROJECT_NUMBER };
      return args.inputs;
    },
  };
  return { mocks, resources };
}

/** An output's value, or undefined when it is unknown (preview): never hangs. */
export async function valueOf<T>(output: pulumi.Output<T>): Promise<T | undefined> {
  const internal = output as unknown as { promise(withUnknowns?: boolean): Promise<T>; isKnown: Promise<boolean> };
  if (!(await internal.isKnown)) return undefined;
  return internal.promise();
}

/** Lets pending registrations reach the mocks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** logical name → the type of its parent, read from the URNs the SDK's mock monitor minted. */
export function parentTypes(): Map<string, string | undefined> {
  const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, unknown> };
  const parents = new Map<string, string | undefined>();
  for (const urn of monitor.resources.keys()) {
    const [, , qualifiedType, name] = urn.split("::");
    const chain = qualifiedType!.split("$");
    parents.set(name!, chain.length > 1 ? chain[chain.length - 2] : undefined);
  }
  return parents;
}

/** What the SDK asked the monitor for one resource: the resource options as registered, not as written. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  /** The parent's URN (empty for the stack's children). */
  parent: string;
  /** `urn::id` of the provider, empty for the default provider and components. */
  provider: string;
  protect: boolean;
  /** The URNs this resource used to have, as the SDK computed them (see `recordRegistrations`). */
  aliasUrns: string[];
}

/**
 * Records every RegisterResource request the SDK sends to the mock monitor: the options Pulumi
 * itself derived (inherited providers, protect, aliases), which the mocks' newResource never sees.
 * Call after setMocks and before creating resources. Alias specs are switched off so the SDK
 * computes each child's alias URNs from its parent's aliases itself, as the engine does for a
 * monitor that takes specs.
 */
export function recordRegistrations(): Registration[] {
  const registrations: Registration[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime's store has no public import path
  const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsAliasSpecs: boolean } };
  getStore().supportsAliasSpecs = false;
  type Request = {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProtect(): boolean | undefined;
    getAliasurnsList(): string[];
  };
  type Callback = (error: unknown, response: { getUrn(): string } | undefined) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Request, callback: Callback): void };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (error, response) => {
      if (response)
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          parent: req.getParent(),
          provider: req.getProvider(),
          protect: req.getProtect() ?? false,
          aliasUrns: req.getAliasurnsList(),
        });
      callback(error, response);
    });
  return registrations;
}
