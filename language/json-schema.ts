/**
 * The JSON Schema of the spec language, generated from the zod schemas the loader validates with
 * (never written by hand, so it cannot drift from the loader). Editors use it to complete and check
 * spec files as they are typed; `npm run schema` writes it to fascia-spec.schema.json.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { SpecDocument } from "./document";
import { AcknowledgmentSpec, AuthSpec, EdgeSpec, TriggerSpec, ToolSpec } from "./tool";
import { EntitySpec, InvariantSpec, NoOverlapSpec, RelationshipSpec, StatusSpec, TransitionSpec } from "./entity";
import { FieldSpec, InputFieldSpec } from "./field";
import * as nodes from "./nodes";
import { PolicySpec } from "./policy";

/** Where the published package serves the file; editors resolve `$ref`s against it. */
export const SPEC_SCHEMA_ID = "https://unpkg.com/@fascia/pulumi/fascia-spec.schema.json";
export const SPEC_SCHEMA_FILE = "fascia-spec.schema.json";

/** Schemas that become named definitions (`#/definitions/ReadNode`) instead of being inlined. */
const DEFINITIONS: ReadonlyMap<z.core.$ZodType, string> = new Map<z.core.$ZodType, string>([
  [EntitySpec, "Entity"],
  [ToolSpec, "Tool"],
  [PolicySpec, "Policy"],
  [FieldSpec, "Field"],
  [InputFieldSpec, "InputField"],
  [RelationshipSpec, "Relationship"],
  [StatusSpec, "StatusMachine"],
  [TransitionSpec, "Transition"],
  [InvariantSpec, "Invariant"],
  [NoOverlapSpec, "NoOverlap"],
  [TriggerSpec, "Trigger"],
  [AuthSpec, "Auth"],
  [AcknowledgmentSpec, "Acknowledgment"],
  [EdgeSpec, "Edge"],
  [nodes.FlowNodeSpec, "FlowNode"],
  [nodes.WhereSpec, "Where"],
  [nodes.RetryPolicySpec, "RetryPolicy"],
  [nodes.NodeErrorSpec, "NodeError"],
  [nodes.ReadNode, "ReadNode"],
  [nodes.WriteNode, "WriteNode"],
  [nodes.TransformNode, "TransformNode"],
  [nodes.IfNode, "IfNode"],
  [nodes.SwitchNode, "SwitchNode"],
  [nodes.RetryNode, "RetryNode"],
  [nodes.TransactionNode, "TransactionNode"],
  [nodes.PaymentNode, "PaymentNode"],
  [nodes.EmailNode, "EmailNode"],
  [nodes.HttpNode, "HttpNode"],
  [nodes.PolicyCheckNode, "PolicyCheckNode"],
  [nodes.AssertNode, "AssertNode"],
  [nodes.SqlNode, "SqlNode"],
]);

/**
 * The language's own metadata (descriptions, naming patterns) from zod's global registry, plus a
 * definition name for the schemas above: zod takes one registry, so this one merges the two.
 */
class NamedDefinitions extends z.core.$ZodRegistry<z.core.JSONSchemaMeta> {
  override get<S extends z.core.$ZodType>(schema: S): z.core.JSONSchemaMeta | undefined {
    const meta = z.globalRegistry.get(schema);
    const id = DEFINITIONS.get(schema);
    return id === undefined ? meta : { ...meta, id };
  }
}

/**
 * Draft-07: what the YAML and JSON language servers of the common editors check fully. Input
 * shapes, since the schema describes what authors write.
 */
export function specJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(SpecDocument, {
    target: "draft-07",
    io: "input",
    metadata: new NamedDefinitions(),
    unrepresentable: "throw",
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: SPEC_SCHEMA_ID,
    title: "Fascia spec document",
    description:
      "One Fascia spec document: an Entity, a Tool or a Policy, told apart by `kind`. Expressions are CEL; the loader (`fascia validate`) also checks references and types the schema cannot express.",
    ...rest,
  };
}

/** The file's text: stable key order and a final newline, so regeneration diffs cleanly. */
export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}

/** Writes fascia-spec.schema.json into `dir` (`npm run schema`); returns the file's path. */
export function writeSpecJsonSchema(dir = process.cwd()): string {
  const file = join(dir, SPEC_SCHEMA_FILE);
  writeFileSync(file, specJsonSchemaText());
  return file;
}
