/**
 * The example Pulumi program (examples/reservations-stack: its Pulumi.yaml and index.ts, which
 * imports `@fascia/pulumi` by name — Jest maps the name to the sources) under mocks in preview
 * mode, with mocks that return only the inputs — as a real preview knows nothing the cloud
 * computes. Governance and pool sizing still decide (they are known), computed values stay
 * unknown, and the stack outputs are what `pulumi preview` shows.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type * as Program from "../../examples/reservations-stack/index";
import { settle, valueOf } from "./support/recording-mocks";

const PROJECT_FILE = "examples/reservations-stack/Pulumi.yaml";
const project = parse(readFileSync(PROJECT_FILE, "utf8")) as {
  name: string;
  config: Record<string, { type?: string; default?: unknown; value?: unknown }>;
};
const key = (name: string) => `${project.name}:${name}`;
const types: string[] = [];
const inputs = new Map<string, unknown>();
const inputsOf = (type: string) => inputs.get(type);
const IMAGE = `europe-west1-docker.pkg.dev/acme/fascia/executor@sha256:${"ef".repeat(32)}`;
let program: typeof Program;

beforeAll(async () => {
  pulumi.runtime.setAllConfig(
    {
      [key("image")]: IMAGE,
      [key("maxInstances")]: "4",
      [key("databaseTier")]: "db-g1-small",
      [key("deletionProtection")]: "false",
      [key("auditRetentionDays")]: "30",
      [key("auditWitnessLocked")]: "true",
      [key("PAYMENTS_API_KEY")]: "sk_preview_1",
      [key("PAYMENTS_WEBHOOK_SECRET")]: "whsec_preview_2",
      [key("OPS_WEBHOOK_TOKEN")]: "ops_preview_3",
      "gcp:project": "acme",
      "gcp:region": "europe-west1",
    },
    [key("PAYMENTS_API_KEY"), key("PAYMENTS_WEBHOOK_SECRET"), key("OPS_WEBHOOK_TOKEN")],
  );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        types.push(args.type);
        inputs.set(args.type, args.inputs);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project.name,
    "dev",
    true,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a Pulumi program runs when loaded, after the mocks are set
  program = require("../../examples/reservations-stack/index");
  await valueOf(program.riskLevels);
  await settle();
});

/**
 * The check the Pulumi CLI makes when it loads a project file (Project.Validate in pulumi/pulumi,
 * sdk/go/common/workspace/project.go): a config key is the project's own when it has no namespace
 * or `<project>:`; only those may declare a `type` or a `default`, any other must give a `value`.
 */
function projectConfigProblems(name: string, config: typeof project.config): string[] {
  return Object.entries(config).flatMap(([configKey, decl]) => {
    if (decl.default !== undefined && decl.value !== undefined) return [`${configKey}: both default and value`];
    if (!configKey.includes(":") || configKey.startsWith(`${name}:`)) return [];
    if (decl.type !== undefined) return [`${configKey}: not namespaced by the project and should not define a type`];
    if (decl.default !== undefined) return [`${configKey}: not namespaced by the project and should not define a default value`];
    return decl.value === undefined ? [`${configKey}: namespaced and must provide a value`] : [];
  });
}

test("Pulumi.yaml is a TypeScript project whose main is this program", () => {
  expect(project).toMatchObject({ runtime: { name: "nodejs", options: { typescript: true } }, main: "index.ts" });
  expect(Object.keys(project.config)).toEqual(
    expect.arrayContaining(["databaseTier", "maxInstances", "deletionProtection", "auditRetentionDays", "auditWitnessLocked"]),
  );
  // Optional settings are not declared: the CLI requires every declared key without a default.
  expect(Object.keys(project.config)).not.toContain("image");
});

test("Pulumi.yaml declares its settings as the CLI accepts them: in the project's own namespace", () => {
  expect(projectConfigProblems(project.name, project.config)).toEqual([]);
  // The shape the root Pulumi.yaml once had, which the CLI refused to load.
  expect(
    projectConfigProblems("fascia-reservations", { "fascia:image": { type: "string" }, "fascia:maxInstances": { default: 10 } }),
  ).toEqual([
    "fascia:image: not namespaced by the project and should not define a type",
    "fascia:maxInstances: not namespaced by the project and should not define a default value",
  ]);
});

test("the program reads the settings Pulumi.yaml declares from the project's namespace", () => {
  // Set to values other than the declared defaults in beforeAll, under `<project>:` only.
  expect(inputsOf("gcp:cloudrunv2/service:Service")).toMatchObject({ template: { scaling: { maxInstanceCount: 4 } } });
  expect(inputsOf("gcp:sql/databaseInstance:DatabaseInstance")).toMatchObject({
    settings: { tier: "db-g1-small" },
    deletionProtection: false,
  });
  expect(inputsOf("gcp:storage/bucket:Bucket")).toMatchObject({
    retentionPolicy: { retentionPeriod: String(30 * 86_400), isLocked: true },
  });
});

test("preview registers the whole graph from the gcp:project and gcp:region config", () => {
  expect(types).toHaveLength(57);
  expect(types.filter((t) => t === "gcp:cloudrunv2/service:Service")).toHaveLength(1);
});

test("what the cloud computes is unknown at preview; the decisions are known", async () => {
  expect(await valueOf(program.serviceUrl)).toBeUndefined();
  expect(await valueOf(program.connectionName)).toBeUndefined();
  expect(await valueOf(program.endpoints)).toBeUndefined();
  expect(await valueOf(program.riskLevels)).toMatchObject({ listReservations: "green", confirmReservation: "yellow" });
  expect(await valueOf(program.planHash)).toMatch(/^[0-9a-f]{64}$/);
  const report = await valueOf(program.riskReport);
  expect(report!.summary.deployable).toBe(true);
});
