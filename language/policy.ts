import { z } from "zod";
import { CamelName, Cel, Description } from "./common";

export const PolicySpec = z.strictObject({
  kind: z.literal("Policy"),
  name: CamelName,
  description: Description.optional(),
  rule: Cel,
  message: z.string().min(1).optional(),
});

export type PolicySpec = z.infer<typeof PolicySpec>;
