/**
 * schema.json (the Pulumi package schema, for other languages) agrees with the TypeScript
 * components: the same tokens, every input of every args interface (the registry's lists are
 * checked exhaustive by the compiler), the nested argument types, and exactly the outputs each
 * class registers — read from real instances under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { FasciaDeployment } from "../../components/fascia-deployment";
import { FasciaEntity } from "../../components/fascia-entity";
import { FasciaTool } from "../../components/fascia-tool";
import { ARGUMENT_TYPES, COMPONENTS } from "../../components/registry";
import { createRecordingMocks, valueOf } from "./support/recording-mocks";
import { GREEN_TOOL, IMAGE, ITEM } from "./support/small-app";

interface SchemaResource {
  isComponent: boolean;
  inputProperties: Record<string, unknown>;
  requiredInputs: string[];
  properties: Record<string, unknown>;
  required: string[];
}
const schema = JSON.parse(readFileSync("schema.json", "utf8")) as {
  name: string;
  resources: Record<string, SchemaResource>;
  types: Record<string, { properties: Record<string, unknown> }>;
};

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
  for (const [token, keys] of Object.entries(ARGUMENT_TYPES)) {
    expect([token, Object.keys(schema.types[token]!.properties).sort()]).toEqual([token, [...keys].sort()]);
  }
  expect(schema.resources["fascia:index:FasciaDeployment"]!.requiredInputs).toEqual([]);
  expect(schema.resources["fascia:index:FasciaExecutorImage"]!.requiredInputs).toEqual(["repository"]);
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
