/**
 * The Pulumi package schema (schema.json at the package root) as the plugin serves it, and what
 * the plugin reads of it: which inputs are plain (known when the program runs) and which outputs
 * each component returns. schema.json is the one description other languages' SDKs are generated
 * from; test/components/schema.test.ts checks it against the component classes.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface SchemaProperty {
  type?: string;
  $ref?: string;
  plain?: boolean;
  secret?: boolean;
  description?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
}

export interface SchemaResource {
  isComponent: boolean;
  description: string;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required: string[];
}

export interface PackageSchema {
  name: string;
  version: string;
  resources: Record<string, SchemaResource>;
  types: Record<string, { type: string; description?: string; properties: Record<string, SchemaProperty>; required?: string[] }>;
}

/** schema.json beside the sources (plugin/ → ..) or beside the build (dist/plugin/ → ../..). */
export function schemaPath(): string {
  const candidates = [join(__dirname, "..", "schema.json"), join(__dirname, "..", "..", "schema.json")];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`schema.json not found (looked at ${candidates.join(", ")})`);
  return found;
}

/** The schema's text, as GetSchema returns it, and its parsed form. */
export function loadPackageSchema(): { text: string; schema: PackageSchema } {
  const text = readFileSync(schemaPath(), "utf8");
  return { text, schema: JSON.parse(text) as PackageSchema };
}
