import { z } from "zod";
import { EntitySpec } from "./entity";
import { PolicySpec } from "./policy";
import { ToolSpec } from "./tool";

/** Any spec document, told apart by `kind`. */
export const SpecDocument = z.discriminatedUnion("kind", [EntitySpec, ToolSpec, PolicySpec]);
export type SpecDocument = z.infer<typeof SpecDocument>;
export type SpecKind = SpecDocument["kind"];
export const SPEC_KINDS: readonly SpecKind[] = ["Entity", "Tool", "Policy"];
