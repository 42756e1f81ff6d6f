/**
 * The published JSON Schema: the committed file is exactly what the zod schemas generate, and its
 * shape is what editors need (a document picked by `kind`, every node and field type a
 * discriminated option, no unknown keys accepted). No JSON Schema validator is a dependency, so
 * the example app is checked against the schema's declared keys and name patterns only.
 */
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { FIELD_TYPES } from "../../language/field";
import { NODE_TYPES } from "../../language/nodes";
import { SPEC_SCHEMA_FILE, SPEC_SCHEMA_ID, specJsonSchema, specJsonSchemaText } from "../../language/json-schema";
import { findSpecFiles } from "../../loader/source/spec-files";

type Json = Record<string, unknown>;
const schema = specJsonSchema() as Json & { definitions: Record<string, Json> };
const definitions = schema.definitions;

/** The definition a `{ $ref: "#/definitions/X" }` points at. */
function deref(node: Json): Json {
  const ref = node.$ref as string | undefined;
  if (!ref) return node;
  const name = ref.replace("#/definitions/", "");
  expect(definitions[name]).toBeDefined();
  return definitions[name]!;
}

/** The options of a discriminated union, by the constant of their discriminator property. */
function optionsBy(union: Json, discriminator: string): Map<unknown, Json> {
  const options = (union.oneOf ?? union.anyOf) as Json[];
  expect(Array.isArray(options)).toBe(true);
  return new Map(options.map((o) => deref(o)).map((o) => [((o.properties as Record<string, Json>)[discriminator] as Json).const, o]));
}

describe("fascia-spec.schema.json", () => {
  it("is what the zod schemas generate (run `npm run schema` after changing the language)", () => {
    expect(readFileSync(SPEC_SCHEMA_FILE, "utf8")).toBe(specJsonSchemaText());
  });

  it("identifies itself and accepts an Entity, a Tool or a Policy by kind", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe(SPEC_SCHEMA_ID);
    expect(typeof schema.title).toBe("string");
    const kinds = optionsBy(schema, "kind");
    expect([...kinds.keys()].sort()).toEqual(["Entity", "Policy", "Tool"]);
    expect(kinds.get("Entity")!.required).toEqual(expect.arrayContaining(["kind", "name", "fields"]));
    expect(kinds.get("Tool")!.required).toEqual(expect.arrayContaining(["kind", "name", "trigger", "flow"]));
    expect(kinds.get("Policy")!.required).toEqual(expect.arrayContaining(["kind", "name", "rule"]));
  });

  it("offers every node type and every field type as a discriminated option", () => {
    expect([...optionsBy(definitions.FlowNode!, "type").keys()].sort()).toEqual([...NODE_TYPES].sort());
    expect([...optionsBy(definitions.Field!, "type").keys()].sort()).toEqual([...FIELD_TYPES].sort());
    expect([...optionsBy(definitions.InputField!, "type").keys()].sort()).toEqual([...FIELD_TYPES].sort());
    // Column-only options exist on entity fields, not on tool input.
    expect(Object.keys(optionsBy(definitions.Field!, "type").get("string")!.properties as Json)).toContain("unique");
    expect(Object.keys(optionsBy(definitions.InputField!, "type").get("string")!.properties as Json)).not.toContain("unique");
  });

  it("rejects unknown keys on every object (additionalProperties: false), maps excepted", () => {
    const objects: string[] = [];
    const open: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}[${i}]`));
      if (!node || typeof node !== "object") return;
      const n = node as Json;
      if (n.properties) {
        objects.push(where);
        if (n.additionalProperties !== false) open.push(where);
      } else if (n.type === "object" && n.additionalProperties === undefined) open.push(where);
      for (const [key, child] of Object.entries(n)) visit(child, `${where}/${key}`);
    };
    visit(schema, "#");
    expect(objects.length).toBeGreaterThan(40);
    expect(open).toEqual([]);
  });

  it("carries the naming conventions and descriptions editors show", () => {
    const entity = definitions.Entity!.properties as Record<string, Json>;
    expect(entity.name!.pattern).toBe("^[A-Z][A-Za-z0-9]*$");
    expect((entity.fields!.propertyNames as Json).pattern).toBe("^[a-z][A-Za-z0-9]*$");
    expect(((definitions.Tool!.properties as Record<string, Json>).output as Json).description).toMatch(/CEL/);
  });

  it("declares every key the example app uses, and the example's names fit its patterns", () => {
    const kinds = optionsBy(schema, "kind");
    const nodeTypes = optionsBy(definitions.FlowNode!, "type");
    const fieldTypes = optionsBy(definitions.Field!, "type");
    const problems: string[] = [];
    const keysOf = (def: Json) => Object.keys(def.properties as Json);
    const check = (where: string, value: Json, def: Json) => {
      for (const key of Object.keys(value)) if (!keysOf(def).includes(key)) problems.push(`${where}.${key}`);
      const name = (def.properties as Record<string, Json>).name;
      if (typeof value.name === "string" && name?.pattern && !new RegExp(name.pattern as string).test(value.name))
        problems.push(`${where}.name`);
    };
    for (const file of findSpecFiles("examples/reservations")) {
      for (const doc of parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as Json)) {
        const def = kinds.get(doc.kind)!;
        check(file, doc, def);
        for (const [name, field] of Object.entries((doc.fields ?? {}) as Record<string, Json>))
          check(`${file}.fields.${name}`, field, fieldTypes.get(field.type)!);
        const flowNodes = ((doc.flow as Json | undefined)?.nodes ?? []) as Json[];
        flowNodes.forEach((node, i) => check(`${file}.flow.nodes[${i}]`, node, nodeTypes.get(node.type)!));
      }
    }
    expect(problems).toEqual([]);
  });
});
