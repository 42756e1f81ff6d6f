import { z } from "zod";
import { CamelName, Cel, Description, Duration, NodeId, RuleId, SecretName } from "./common";
import { InputFieldSpec } from "./field";
import { FlowNodeSpec } from "./nodes";

export const HttpTriggerSpec = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9_\-{}/.]*$/)
    .meta({ description: "Starts with /; `{name}` binds an input field" }),
});

export const ScheduleTriggerSpec = z.strictObject({
  cron: z.string().min(1).meta({ description: "Five-field cron, as Cloud Scheduler takes it" }),
  timezone: z.string().optional().meta({ description: "IANA time zone; default UTC" }),
});

export const WebhookTriggerSpec = z.strictObject({
  path: z.string().regex(/^\/[A-Za-z0-9_\-/.]*$/),
  secret: SecretName.meta({ description: "Secret holding the HMAC-SHA256 signing key" }),
  eventId: Cel.optional().meta({ description: "The provider's event id (idempotency key); default input.id" }),
});

export const TriggerSpec = z.strictObject({
  http: HttpTriggerSpec.optional(),
  schedule: ScheduleTriggerSpec.optional(),
  webhook: WebhookTriggerSpec.optional(),
});

export const AuthSpec = z.strictObject({
  roles: z.array(z.string().min(1)).min(1).optional(),
  public: z.boolean().optional(),
});

export const AcknowledgmentSpec = z.strictObject({
  rule: RuleId,
  node: NodeId.optional(),
  reason: z.string().min(1),
});

export const EdgeSpec = z.strictObject({
  from: NodeId,
  to: NodeId,
  when: z.union([z.string(), z.number(), z.boolean()]).optional(),
});

export const ToolSpec = z.strictObject({
  kind: z.literal("Tool"),
  name: CamelName,
  description: Description.optional(),
  trigger: TriggerSpec,
  input: z.record(CamelName, InputFieldSpec).optional(),
  auth: AuthSpec.optional(),
  policies: z.array(CamelName).optional(),
  timeout: Duration.optional(),
  idempotency: z.enum(["required", "optional", "none"]).optional(),
  secrets: z.array(SecretName).optional().meta({ description: "Extra secrets the tool's expressions read as secrets.NAME" }),
  acknowledge: z.array(AcknowledgmentSpec).optional(),
  output: Cel.optional(),
  flow: z.strictObject({
    nodes: z.array(FlowNodeSpec).min(1),
    edges: z.array(EdgeSpec).optional(),
  }),
});

export type ToolSpec = z.infer<typeof ToolSpec>;
export type EdgeSpec = z.infer<typeof EdgeSpec>;
export type TriggerKind = keyof z.infer<typeof TriggerSpec>;
