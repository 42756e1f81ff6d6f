/**
 * Where the CEL expressions of a spec document are, found by walking the language's zod schema
 * alongside the data: a value is CEL exactly when the schema at its place is the `Cel` schema.
 */
import type { z } from "zod";
import { Cel } from "../../../language/common";
import { SpecDocument } from "../../../language/document";
import type { SpecPath } from "../../../loader/source/yaml-document";

type Schema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

export function celPaths(document: unknown): SpecPath[] {
  const found: SpecPath[] = [];
  walk(SpecDocument, document, [], found);
  return found;
}

function walk(schema: Schema, value: unknown, path: (string | number)[], found: SpecPath[]): void {
  if (schema === Cel) {
    if (typeof value === "string") found.push(path);
    return;
  }
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
      return walk(def.innerType as Schema, value, path, found);
    case "pipe":
      return walk(def.in as Schema, value, path, found);
    case "union": {
      const options = def.options as Schema[];
      const discriminator = def.discriminator as string | undefined;
      if (discriminator) {
        const tag = (value as Record<string, unknown> | null)?.[discriminator];
        const option = options.find((o) =>
          (
            (o._zod.def as unknown as { shape?: Record<string, Schema> }).shape?.[discriminator]?._zod.def as
              { values?: unknown[] } | undefined
          )?.values?.includes(tag),
        );
        if (option) walk(option, value, path, found);
        return;
      }
      // Plain unions (a where value is CEL or a comparison): the branch that fits the data's shape.
      const wanted =
        typeof value === "string"
          ? "string"
          : Array.isArray(value)
            ? "array"
            : typeof value === "object" && value !== null
              ? "object"
              : "other";
      const option = options.find((o) => (o === Cel ? wanted === "string" : kindOf(o) === wanted));
      if (option) walk(option, value, path, found);
      return;
    }
    case "object": {
      if (typeof value !== "object" || value === null) return;
      for (const [key, child] of Object.entries(def.shape as Record<string, Schema>)) {
        if (Object.hasOwn(value, key)) walk(child, (value as Record<string, unknown>)[key], [...path, key], found);
      }
      return;
    }
    case "record":
      if (typeof value !== "object" || value === null) return;
      for (const [key, child] of Object.entries(value)) walk(def.valueType as Schema, child, [...path, key], found);
      return;
    case "array":
      if (Array.isArray(value)) value.forEach((item, i) => walk(def.element as Schema, item, [...path, i], found));
      return;
    case "tuple":
      if (Array.isArray(value)) (def.items as Schema[]).forEach((item, i) => walk(item, value[i], [...path, i], found));
      return;
  }
}

function kindOf(schema: Schema): string {
  const type = (schema._zod.def as unknown as Def).type;
  return type === "object" || type === "array" || type === "string" ? type : "other";
}
