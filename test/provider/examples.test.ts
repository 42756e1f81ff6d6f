/**
 * The examples for other languages agree with what they call: examples/yaml's program and
 * examples/python's __main__.py name only inputs schema.json has (Python in snake_case), their
 * outputs exist, and their secrets are exactly the ones the reservations specs name. (The YAML
 * program itself is sent through the plugin by construct.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { specsFromDir } from "../../components/spec-input";
import { secretNames } from "../../loader/model";
import { REPO } from "./support/engine";

const schema = JSON.parse(readFileSync(join(REPO, "schema.json"), "utf8")) as {
  resources: Record<string, { inputProperties: Record<string, { $ref?: string }>; properties: Record<string, unknown> }>;
  types: Record<string, { properties: Record<string, unknown> }>;
};
const DEPLOYMENT = schema.resources["fascia:index:FasciaDeployment"]!;
const NEEDED = secretNames(specsFromDir(join(REPO, "examples", "reservations"))).sort();

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const typeOf = (input: string) => schema.types[DEPLOYMENT.inputProperties[input]!.$ref!.replace("#/types/", "")]!;

test("examples/yaml: a FasciaDeployment with schema inputs, every secret of the specs, real outputs", () => {
  const program = parse(readFileSync(join(REPO, "examples", "yaml", "Pulumi.yaml"), "utf8")) as {
    packages: Record<string, string>;
    resources: Record<string, { type: string; properties: Record<string, unknown> }>;
    outputs: Record<string, string>;
  };
  expect(program.packages).toEqual({ fascia: "../../pulumi-plugin" });
  const { type, properties } = program.resources.reservations!;
  expect(type).toBe("fascia:index:FasciaDeployment");
  for (const key of Object.keys(properties)) expect([key, key in DEPLOYMENT.inputProperties]).toEqual([key, true]);
  for (const nested of ["auth", "database", "service"])
    for (const key of Object.keys(properties[nested] as object))
      expect([nested, key, key in typeOf(nested).properties]).toEqual([nested, key, true]);
  expect(Object.keys(properties.secrets as object).sort()).toEqual(NEEDED);
  for (const output of Object.values(program.outputs))
    expect([output, output.replace(/^\$\{reservations\.(\w+)\}$/, "$1") in DEPLOYMENT.properties]).toEqual([output, true]);
});

test("examples/python: keyword arguments are the schema's inputs in snake_case, the secrets the specs'", () => {
  const source = readFileSync(join(REPO, "examples", "python", "__main__.py"), "utf8");
  const call = source.slice(source.indexOf("fascia.FasciaDeployment("), source.indexOf("\n)\n"));
  const keywords = [...call.matchAll(/^ {4}(\w+)=/gm)].map((m) => camel(m[1]!));
  expect(keywords.length).toBeGreaterThan(4);
  for (const key of keywords) expect([key, key in DEPLOYMENT.inputProperties]).toEqual([key, true]);
  for (const nested of ["auth", "database", "service"]) {
    const dict = call.match(new RegExp(`^ {4}${nested}=\\{([\\s\\S]*?)\\}`, "m"))![1]!;
    for (const [, key] of dict.matchAll(/"(\w+)":/g))
      expect([nested, camel(key!), camel(key!) in typeOf(nested).properties]).toEqual([nested, camel(key!), true]);
  }
  const names = JSON.parse(source.match(/SECRET_NAMES = (\[[^\]]*\])/)![1]!) as string[];
  expect([...names].sort()).toEqual(NEEDED);
  for (const [, output] of source.matchAll(/app\.(\w+)\)/g))
    expect([output, camel(output!) in DEPLOYMENT.properties]).toEqual([output, true]);
});
