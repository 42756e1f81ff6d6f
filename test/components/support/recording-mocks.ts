/**
 * Pulumi mocks that record every registered resource (type, logical name, inputs, parent type
 * from the URN) and return the few computed outputs the real providers would (emails, URLs,
 * connection names). Inputs keep the SDK's secret wrappers, so tests can tell a secret reference
 * from a plain value. The dynamic entity record runs its real `check`, as the engine would.
 */
import * as pulumi from "@pulumi/pulumi";
import { entitySpecRecordProvider } from "../../../provider/entity-spec-record";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

export const RECORD_TYPE = "pulumi-nodejs:dynamic/fascia:EntitySpecRecord";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const MOCK_DB_PASSWORD = "mock-db-password-Zq8Xv2";

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
  const mocks: pulumi.runtime.Mocks = {
    async newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      const state: Record<string, unknown> = { ...(unwrap(inputs) as Record<string, unknown>) };
      const name = (inputs.name as string | undefined) ?? `${args.name}-a1b2c3`;
      switch (args.type) {
        case "gcp:serviceaccount/account:Account":
          state.email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
          break;
        case "gcp:sql/databaseInstance:DatabaseInstance":
          state.name = name;
          state.connectionName = `${project}:${region}:${name}`;
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
      const record = { type: args.type, name: args.name, inputs, state };
      resources.push(record);
      return { id: `${args.name}-id`, state };
    },
    call(args) {
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
