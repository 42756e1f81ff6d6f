/**
 * schema.json (the Pulumi package schema, for other languages) agrees with the TypeScript
 * components, field by field: the same tokens, every input of every args interface (the
 * registry's lists are checked exhaustive by the compiler), the required ones (checked exact by
 * the compiler), `plain` exactly on the inputs the registry names — and the components refuse an
 * Output for each of those and take one for the others —, `secret` on the secrets map's values
 * only, a description and a type on everything, and exactly the outputs each class registers,
 * read from real instances under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { FasciaDeployment, type FasciaDeploymentArgs } from "../../components/fascia-deployment";
import { FasciaExecutorImage, type FasciaExecutorImageArgs } from "../../components/fascia-executor-image";
import { FasciaEntity } from "../../components/fascia-entity";
import { FasciaTool } from "../../components/fascia-tool";
import { ARGUMENT_TYPES, COMPONENTS } from "../../components/registry";
import type { PackageSchema, SchemaProperty as Property } from "../../plugin/package-schema";
import { createRecordingMocks, valueOf } from "./support/recording-mocks";
import { GREEN_TOOL, IMAGE, ITEM } from "./support/small-app";

const schema = JSON.parse(readFileSync("schema.json", "utf8")) as PackageSchema;

/** Every property of the schema with where it is: `token.inputs.key`, `token.outputs.key`, `type.key`. */
function everyProperty(): [string, Property][] {
  return [
    ...Object.entries(schema.resources).flatMap(([token, r]) => [
      ...Object.entries(r.inputProperties).map(([k, p]) => [`${token}.inputs.${k}`, p] as [string, Property]),
      ...Object.entries(r.properties).map(([k, p]) => [`${token}.outputs.${k}`, p] as [string, Property]),
    ]),
    ...Object.entries(schema.types).flatMap(([token, t]) =>
      Object.entries(t.properties).map(([k, p]) => [`${token}.${k}`, p] as [string, Property]),
    ),
  ];
}

/** Where `secret: true` is, at any depth. */
function secretPaths(path: string, property: Property): string[] {
  return [
    ...(property.secret ? [path] : []),
    ...(property.items ? secretPaths(`${path}.items`, property.items) : []),
    ...(property.additionalProperties ? secretPaths(`${path}.additionalProperties`, property.additionalProperties) : []),
  ];
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(createRecordingMocks("acme", "europe-west1").mocks, "fascia", "schema", true);
});

/** The names of an instance's registered outputs: its own Output-valued properties. */
function outputNames(resource: pulumi.Resource): string[] {
  return Object.entries(resource)
    .filter(([key, value]) => pulumi.Output.isInstance(value) && key !== "urn")
    .map(([key]) => key)
    .sort();
}

test("the same components, each token's last segment its class name, all components", () => {
  expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(COMPONENTS).sort());
  for (const [token, { component }] of Object.entries(COMPONENTS)) {
    expect(token).toBe(`${schema.name}:index:${component.name}`);
    expect(schema.resources[token]!.isComponent).toBe(true);
  }
});

test("inputs: every args key is in the schema and nothing else", () => {
  for (const [token, { inputs }] of Object.entries(COMPONENTS)) {
    expect([token, Object.keys(schema.resources[token]!.inputProperties).sort()]).toEqual([token, [...inputs].sort()]);
  }
  expect(Object.keys(schema.types).sort()).toEqual(Object.keys(ARGUMENT_TYPES).sort());
  for (const [token, { keys }] of Object.entries(ARGUMENT_TYPES)) {
    expect([token, Object.keys(schema.types[token]!.properties).sort()]).toEqual([token, [...keys].sort()]);
  }
});

test("required inputs: exactly the keys the args interfaces require", () => {
  for (const [token, { required }] of Object.entries(COMPONENTS))
    expect([token, [...schema.resources[token]!.requiredInputs].sort()]).toEqual([token, [...required].sort()]);
  for (const [token, { required }] of Object.entries(ARGUMENT_TYPES))
    expect([token, [...(schema.types[token]!.required ?? [])].sort()]).toEqual([token, [...required].sort()]);
});

test("plain: exactly the inputs the registry names (those that decide which resources exist)", () => {
  const plainIn = (properties: Record<string, Property>) =>
    Object.entries(properties)
      .filter(([, p]) => p.plain === true)
      .map(([k]) => k)
      .sort();
  for (const [token, { plain }] of Object.entries(COMPONENTS))
    expect([token, plainIn(schema.resources[token]!.inputProperties)]).toEqual([token, [...plain].sort()]);
  for (const [token, { plain }] of Object.entries(ARGUMENT_TYPES))
    expect([token, plainIn(schema.types[token]!.properties)]).toEqual([token, [...plain].sort()]);
  // Outputs are never plain: the engine may not know them at preview.
  for (const [token, r] of Object.entries(schema.resources)) expect([token, plainIn(r.properties)]).toEqual([token, []]);
});

test("secret: the secrets map's values, and nothing else", () => {
  expect(everyProperty().flatMap(([path, p]) => secretPaths(path, p))).toEqual([
    "fascia:index:FasciaDeployment.inputs.secrets.additionalProperties",
  ]);
});

test("every resource, type, input and output has a description and a type", () => {
  for (const [token, r] of Object.entries(schema.resources)) expect([token, r.description.length > 20]).toEqual([token, true]);
  for (const [token, t] of Object.entries(schema.types))
    expect([token, t.type, (t.description ?? "").length > 10]).toEqual([token, "object", true]);
  for (const [path, p] of everyProperty()) {
    expect([path, (p.description ?? "").length > 0]).toEqual([path, true]);
    expect([path, p.type !== undefined || p.$ref !== undefined]).toEqual([path, true]);
    const ref = p.$ref ?? p.items?.$ref ?? p.additionalProperties?.$ref;
    if (ref?.startsWith("#/types/")) expect([path, ref.slice("#/types/".length) in schema.types]).toEqual([path, true]);
  }
});

describe("the components refuse an Output exactly where the schema says plain", () => {
  const base = { specs: [ITEM, GREEN_TOOL], image: IMAGE, project: "acme", region: "europe-west1" };
  const deployment = (args: Record<string, unknown>) => () => new FasciaDeployment("p", { ...base, ...args } as FasciaDeploymentArgs);
  const refusal = (path: string) => new RegExp(`\`${path.replace(".", "\\.")}\` must be a plain value`);
  /** A valid value for each input of the deployment and of its nested arguments. */
  const values: Record<string, unknown> = {
    specs: [ITEM, GREEN_TOOL],
    specDir: "examples/reservations",
    image: IMAGE,
    imageBase: "oci:/nowhere",
    project: "acme",
    region: "europe-west1",
    secrets: {},
    database: {},
    service: {},
    auth: {},
    paymentsBaseUrl: "https://payments.example",
    labels: {},
    auditWitness: {},
  };
  const deploymentPlain = COMPONENTS["fascia:index:FasciaDeployment"].plain;

  test.each(COMPONENTS["fascia:index:FasciaDeployment"].inputs.map((k) => [k]))("FasciaDeployment %s", (key) => {
    const given = pulumi.output(values[key]);
    const args =
      key === "specDir"
        ? { specs: undefined, specDir: given }
        : key === "imageBase"
          ? { image: undefined, imageBase: given }
          : { [key]: given };
    if (deploymentPlain.includes(key)) expect(deployment(args)).toThrow(refusal(key));
    else expect(deployment(args)).not.toThrow();
  });

  const nested = {
    database: {
      type: "fascia:index:DatabaseArgs",
      values: {
        tier: "db-custom-1-3840",
        maxConnections: 100,
        version: "POSTGRES_15",
        availabilityType: "ZONAL",
        diskSizeGb: 10,
        deletionProtection: false,
        backupStartTime: "03:00",
        pitrDays: 7,
        privateNetwork: "net",
        privateSubnetwork: "sub",
      },
    },
    service: {
      type: "fascia:index:ServiceArgs",
      values: {
        minInstances: 0,
        maxInstances: 5,
        concurrency: 10,
        cpu: "1",
        memory: "512Mi",
        invokers: ["allUsers"],
        invokerIamDisabled: false,
      },
    },
    auditWitness: { type: "fascia:index:AuditWitnessArgs", values: { retentionDays: 30, locked: false } },
  } as const;
  test.each(
    Object.entries(nested).flatMap(([arg, { type }]) =>
      ARGUMENT_TYPES[type].keys.map((key) => [arg, key] as [keyof typeof nested, string]),
    ),
  )("FasciaDeployment %s.%s", (arg, key) => {
    const { type, values: nestedValues } = nested[arg];
    const value = (nestedValues as Record<string, unknown>)[key];
    // privateNetwork goes with privateSubnetwork; invokerIamDisabled alone.
    const extra: Record<string, unknown> = key === "privateNetwork" ? { privateSubnetwork: "sub" } : {};
    const create = deployment({ [arg]: { ...extra, [key]: pulumi.output(value) } });
    if (ARGUMENT_TYPES[type].plain.includes(key)) expect(create).toThrow(refusal(`${arg}.${key}`));
    else expect(create).not.toThrow();
  });

  test.each(COMPONENTS["fascia:index:FasciaExecutorImage"].plain.map((k) => [k]))("FasciaExecutorImage %s", (key) => {
    const args = {
      repository: "europe-west1-docker.pkg.dev/acme/fascia/executor",
      ...(key === "specDir" ? {} : { specs: [ITEM, GREEN_TOOL] }),
      [key]: pulumi.output(values[key === "base" ? "imageBase" : key]),
    };
    expect(() => new FasciaExecutorImage("i", args as FasciaExecutorImageArgs)).toThrow(refusal(key));
  });
});

test("outputs: the schema's properties are exactly what each class registers", async () => {
  const instances: Record<string, pulumi.Resource> = {
    "fascia:index:FasciaTool": new FasciaTool("t", { spec: GREEN_TOOL, entities: [ITEM] }),
    "fascia:index:FasciaEntity": new FasciaEntity("e", { spec: ITEM }),
    "fascia:index:FasciaDeployment": new FasciaDeployment("d", {
      specs: [ITEM, GREEN_TOOL],
      image: IMAGE,
      project: "acme",
      region: "europe-west1",
    }),
  };
  // Let the entity records finish registering (their provider is serialized) before the test ends.
  await valueOf((instances["fascia:index:FasciaDeployment"] as FasciaDeployment).migrationPlan);
  await valueOf((instances["fascia:index:FasciaEntity"] as FasciaEntity).migration);
  for (const [token, instance] of Object.entries(instances)) {
    const resource = schema.resources[token]!;
    expect([token, Object.keys(resource.properties).sort()]).toEqual([token, outputNames(instance)]);
    for (const name of resource.required) expect(resource.properties).toHaveProperty(name);
  }
});
