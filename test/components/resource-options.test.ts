/**
 * Resource options given to FasciaDeployment reach every child, under mocks in update mode: an
 * explicit gcp provider (its project wins over `gcp:project`, which is set to a different project
 * here), `protect`, `transformations` and `aliases`. The mock monitor's registrations show the
 * options as the SDK derived them for each child, not as the component wrote them.
 */
import * as pulumi from "@pulumi/pulumi";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read deep provider inputs */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FasciaDeployment } from "../../components/fascia-deployment";
import { FasciaTool } from "../../components/fascia-tool";
import { entitiesOf, specsFromDir, toolsOf } from "../../components/spec-input";
import { createRecordingMocks, recordRegistrations, settle, unwrap, valueOf, type Registration } from "./support/recording-mocks";
import { GREEN_TOOL, IMAGE, ITEM } from "./support/small-app";

// The stack's config names another project: it must not reach a child when a provider is explicit.
const CONFIG_PROJECT = "p1-config";
const { mocks, resources } = createRecordingMocks(CONFIG_PROJECT, "europe-west1");
const SECRETS = { PAYMENTS_API_KEY: "k", PAYMENTS_WEBHOOK_SECRET: "w", OPS_WEBHOOK_TOKEN: "t" };
const small = { specs: [ITEM, GREEN_TOOL], image: IMAGE };
const USER_LABELS = { team: "payments", "cost-center": "cc-42" };

let registrations: Registration[];
let p2: GcpProvider;
let viaProviders: FasciaDeployment;
const transformed: string[] = [];

beforeAll(async () => {
  pulumi.runtime.setAllConfig({ "gcp:project": CONFIG_PROJECT, "gcp:region": "europe-west1" });
  await pulumi.runtime.setMocks(mocks, "fascia", "prod", false);
  registrations = recordRegistrations();
  p2 = new GcpProvider("p2", { project: "p2", region: "us-east1" });
  // The full example (a scheduled tool: FasciaTool's own child too), provider in `providers`.
  viaProviders = new FasciaDeployment(
    "viap",
    { specDir: "examples/reservations", image: IMAGE, secrets: SECRETS },
    { providers: { gcp: p2 } },
  );
  // The singular `provider` option: Pulumi hands a component's provider on to its children.
  new FasciaDeployment("single", small, { provider: p2 });
  new FasciaDeployment("guarded", small, { protect: true });
  new FasciaDeployment("labelled", small, {
    transformations: [
      ({ name, props, opts }) => {
        transformed.push(name);
        return "labels" in props ? { props: { ...props, labels: { ...props.labels, team: "payments" } }, opts } : undefined;
      },
    ],
  });
  new FasciaDeployment("tagged", {
    specDir: "examples/reservations",
    image: IMAGE,
    secrets: SECRETS,
    labels: USER_LABELS,
    database: { version: "POSTGRES_17" },
  });
  new FasciaDeployment("members", { ...small, service: { invokers: ["group:callers@acme.example"] } });
  new FasciaDeployment("noiam", { ...small, service: { invokerIamDisabled: true } });
  // FasciaTool alone, with the provider: its scheduler job needs neither project nor region.
  const example = specsFromDir("examples/reservations");
  new FasciaTool(
    "alone",
    {
      spec: toolsOf(example).find((t) => t.trigger.schedule)!,
      entities: entitiesOf(example),
      serviceUrl: "https://executor.example.run.app",
      scheduler: { serviceAccountEmail: "sched@p2.iam.gserviceaccount.com" },
    },
    { provider: p2 },
  );
  new FasciaDeployment("before", small);
  new FasciaDeployment("after", small, { aliases: [{ name: "before" }] });
  await valueOf(viaProviders.endpoints);
  await settle();
});

/** The resources registered under a deployment (its name starts theirs), without the component. */
const childrenOf = (name: string) => resources.filter((r) => r.name.startsWith(`${name}-`));
const registrationsOf = (name: string) => registrations.filter((r) => r.name.startsWith(`${name}-`));
const plain = (inputs: unknown) => unwrap(inputs) as Record<string, any>;

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

describe.each(["viap", "single"])("explicit provider of project p2 (%s)", (name) => {
  test("every gcp child is registered with the explicit provider", async () => {
    const ref = `${await valueOf(p2.urn)}::${await valueOf(p2.id)}`;
    const gcpChildren = childrenOf(name).filter((r) => r.type.startsWith("gcp:"));
    expect(gcpChildren.length).toBeGreaterThan(15);
    for (const r of gcpChildren) expect([r.name, r.provider]).toEqual([r.name, ref]);
  });

  test("no child takes the config's project: each has none (the provider's) or p2", () => {
    for (const r of childrenOf(name)) {
      const inputs = plain(r.inputs);
      if ("project" in inputs) expect([r.name, inputs.project]).toEqual([r.name, "p2"]);
      expect(strings(inputs).filter((s) => s.includes(CONFIG_PROJECT))).toEqual([]);
      if (r.type.startsWith("gcp:")) expect([r.name, r.state.project]).toEqual([r.name, "p2"]);
    }
  });
});

test("what the component computes comes from its children: the provider's project and region", async () => {
  const one = (n: string) => plain(resources.find((r) => r.name === n)!.inputs);
  const runtime = "serviceAccount:viap-run@p2.iam.gserviceaccount.com";
  expect(one("viap-runtime-cloudsql-client")).toMatchObject({ project: "p2", member: runtime });
  expect(one("viap-runtime-cloudsql-client").condition.expression).toContain('"projects/p2/instances/viap-db-a1b2c3"');
  const service = one("viap-executor");
  expect(service.location).toBe("us-east1");
  const env = Object.fromEntries(service.template.containers[0].envs.map((e: any) => [e.name, e.value]));
  expect(env.FASCIA_GCP_PROJECT).toBe("p2");
  expect(env.FASCIA_DB_SOCKET_DIR).toBe("/cloudsql/p2:us-east1:viap-db-a1b2c3");
  expect(one("viap-migrate").location).toBe("us-east1");
  expect(one("viap-invoker-public")).toMatchObject({ project: "p2", location: "us-east1" });
  expect(one("viap-tool-complete-stays-schedule")).toMatchObject({ project: "p2", region: "us-east1" });
  expect(one("viap-secret-db-password-accessor").project).toBe("p2");
  expect(await valueOf(viaProviders.connectionName)).toBe("p2:us-east1:viap-db-a1b2c3");
});

test("protect: true on the component reaches every child, nested components' children included", () => {
  const guarded = registrationsOf("guarded");
  expect(guarded.map((r) => r.type)).toEqual(
    expect.arrayContaining([
      "gcp:sql/databaseInstance:DatabaseInstance",
      "fascia:index:FasciaTool",
      "pulumi-nodejs:dynamic/fascia:EntitySpecRecord",
    ]),
  );
  const versions = guarded.filter((r) => r.type === "gcp:secretmanager/secretVersion:SecretVersion");
  expect(versions.length).toBeGreaterThan(0);
  for (const r of guarded.filter((r) => !versions.includes(r))) expect([r.name, r.protect]).toEqual([r.name, true]);
  // Secret versions are abandoned, not deleted: unprotected, so a rotation can replace them.
  for (const r of versions) expect([r.name, r.protect]).toEqual([r.name, false]);
  // Unprotected by default: the component adds no protect of its own.
  for (const r of registrationsOf("before")) expect([r.name, r.protect]).toEqual([r.name, false]);
});

test("a transformation on the component sees every child and can change it (a label)", () => {
  const children = childrenOf("labelled").map((r) => r.name);
  expect([...new Set(transformed)].sort()).toEqual(["labelled", ...children].sort());
  const labelled = childrenOf("labelled").filter((r) => "labels" in plain(r.inputs));
  expect(labelled.map((r) => r.type).sort()).toEqual(
    expect.arrayContaining(["gcp:artifactregistry/repository:Repository", "gcp:secretmanager/secret:Secret"]),
  );
  for (const r of labelled) expect(plain(r.inputs).labels).toMatchObject({ team: "payments" });
});

/**
 * The SDK computes alias URNs one level down (a child's from its parent's own aliases); the engine
 * carries them on to grandchildren the same way, from the parent's computed aliases. So: every
 * direct child lists its old URN, and every grandchild sits under a renamed component that does,
 * with a name that starts with that component's (which is what the engine's rule needs).
 */
test("renamed with an alias to its old name, every child keeps its old URN as an alias", () => {
  const before = registrationsOf("before");
  const after = registrationsOf("after");
  const component = (name: string) => registrations.find((r) => r.name === name)!;
  expect(after).toHaveLength(before.length);
  let grandchildren = 0;
  for (const old of before) {
    const renamed = after.find((r) => r.type === old.type && r.name === `after${old.name.slice("before".length)}`)!;
    expect(renamed).toBeDefined();
    if (old.parent === component("before").urn) {
      expect([old.name, renamed.aliasUrns]).toEqual([old.name, expect.arrayContaining([old.urn])]);
    } else {
      grandchildren++;
      const parent = registrations.find((r) => r.urn === renamed.parent)!;
      expect(parent.aliasUrns).toContain(old.parent);
      expect(renamed.name.startsWith(parent.name)).toBe(true);
    }
  }
  expect(grandchildren).toBeGreaterThan(0);
});

/** Whether the gcp SDK's args of a resource type declare `labels` (read from its .d.ts, not from a list kept here). */
function takesLabels(type: string): boolean {
  const [, module, resource] = /^gcp:([^/]+)\/([^:]+):/.exec(type)!;
  const dir = join("node_modules/@pulumi/gcp", module!);
  const file = readdirSync(dir).find((f) => f.toLowerCase() === `${resource!.toLowerCase()}.d.ts`)!;
  const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(readFileSync(join(dir, file), "utf8"))!;
  return /^\s+labels\?:/m.test(args[1]!);
}

test("labels: every child that takes labels carries the user's and Fascia's own", () => {
  const expected = { ...USER_LABELS, "managed-by": "fascia", "fascia-app": "tagged" };
  const gcpChildren = childrenOf("tagged").filter((r) => r.type.startsWith("gcp:"));
  const labelled = gcpChildren.filter((r) => takesLabels(r.type));
  expect([...new Set(labelled.map((r) => r.type))].sort()).toEqual([
    "gcp:artifactregistry/repository:Repository",
    "gcp:cloudrunv2/job:Job",
    "gcp:cloudrunv2/service:Service",
    "gcp:secretmanager/secret:Secret",
    "gcp:storage/bucket:Bucket",
  ]);
  for (const r of labelled) expect([r.name, plain(r.inputs).labels]).toEqual([r.name, expected]);
  // Cloud SQL takes its labels in settings.userLabels.
  const instance = gcpChildren.find((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance")!;
  expect(plain(instance.inputs).settings.userLabels).toEqual(expected);
  // The rest have no labels to set (accounts, IAM members, APIs, database, user, versions, scheduler jobs).
  for (const r of gcpChildren.filter((r) => !labelled.includes(r) && r !== instance)) expect(plain(r.inputs)).not.toHaveProperty("labels");
});

test("database.version reaches the instance (the default, 15, is in deployment-example.test.ts)", () => {
  const instance = childrenOf("tagged").find((r) => r.type === "gcp:sql/databaseInstance:DatabaseInstance")!;
  expect(plain(instance.inputs).databaseVersion).toBe("POSTGRES_17");
});

test("organisations that forbid allUsers: named invokers, or Cloud Run's invoker IAM check off", () => {
  const invokers = (name: string) =>
    childrenOf(name)
      .filter((r) => r.type === "gcp:cloudrunv2/serviceIamMember:ServiceIamMember")
      .map((r) => plain(r.inputs).member);
  const service = (name: string) => plain(childrenOf(name).find((r) => r.type === "gcp:cloudrunv2/service:Service")!.inputs);
  expect(invokers("before")).toEqual(["allUsers"]);
  expect(service("before")).not.toHaveProperty("invokerIamDisabled");
  expect(invokers("members")).toEqual(["group:callers@acme.example"]);
  expect(service("members")).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL" });
  expect(invokers("noiam")).toEqual([]);
  expect(service("noiam")).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL", invokerIamDisabled: true });
  // No resource anywhere in those two grants allUsers.
  for (const name of ["members", "noiam"]) expect(childrenOf(name).flatMap((r) => strings(plain(r.inputs)))).not.toContain("allUsers");
});

test("FasciaTool alone: its scheduler job takes project and region from the explicit provider", async () => {
  const job = resources.find((r) => r.name === "alone-schedule")!;
  expect(job.provider).toBe(`${await valueOf(p2.urn)}::${await valueOf(p2.id)}`);
  expect(plain(job.inputs)).not.toHaveProperty("project");
  expect(plain(job.inputs)).not.toHaveProperty("region");
  expect(job.state).toMatchObject({ project: "p2", region: "us-east1" });
});
