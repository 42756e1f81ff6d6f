/** The example app in memory, the documents the scripted model proposes, and the clients the tests drive. */
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { findSpecFiles } from "../../loader/source/spec-files";
import { modelSettings } from "../../assistant/model/config";
import { createModelClient } from "../../assistant/model/create-client";
import type { ModelClient } from "../../assistant/model/client";
import type { ModelServer, ScriptStep } from "../support/model-server";

export const EXAMPLE = join(__dirname, "..", "..", "examples", "reservations");

/** A key shaped like a real one, so a leak is found by searching for it. */
export const SECRET_KEY = "sk-test-f4sc14-s3cr3t-k3y-never-logged-0123456789";

export function exampleApp(dir = EXAMPLE): Map<string, string> {
  return new Map(findSpecFiles(dir).map((path) => [relative(dir, path).split(sep).join("/"), readFileSync(path, "utf8")]));
}

export const INVOICE = `kind: Entity
name: Invoice
description: A bill sent to a customer
fields:
  amount: { type: decimal, precision: 12, scale: 2, min: 0 }
  dueDate: { type: date }
relationships:
  customer: { kind: belongsTo, entity: Customer }
`;

export const CREATE_INVOICE = `kind: Tool
name: createInvoice
description: Bill a customer (staff only)
trigger:
  http: { method: POST, path: /invoices }
input:
  customerId: { type: uuid }
  amount: { type: decimal, precision: 12, scale: 2, min: 0 }
  dueDate: { type: date }
auth: { roles: [staff] }
timeout: 5s
output: "{'id': nodes.invoice.id}"
flow:
  nodes:
    - { id: invoice, type: write, entity: Invoice, action: create, set: { customer: "input.customerId", amount: "input.amount", dueDate: "input.dueDate" } }
    - { id: tx, type: transaction, nodes: [invoice] }
`;

/** The same tool with its write outside any transaction: R001, Red. */
export const CREATE_INVOICE_RED = CREATE_INVOICE.replace(`    - { id: tx, type: transaction, nodes: [invoice] }\n`, "");

/** Not YAML: an unclosed flow map. */
export const INVOICE_BROKEN = INVOICE.replace("dueDate: { type: date }", "dueDate: { type: date");

export function propose(...documents: { file: string; kind: string; name: string; yaml?: string; delete?: boolean }[]): ScriptStep {
  return { reply: { toolCalls: [{ name: "propose", input: { documents } }] } };
}

export const INVOICE_DOCS = [
  { file: "entities/invoice.yaml", kind: "Entity", name: "Invoice", yaml: INVOICE },
  { file: "tools/create-invoice.yaml", kind: "Tool", name: "createInvoice", yaml: CREATE_INVOICE },
];

export type Protocol = "openai" | "anthropic";
export const PROTOCOLS: readonly { protocol: Protocol; stream: boolean }[] = [
  { protocol: "openai", stream: false },
  { protocol: "openai", stream: true },
  { protocol: "anthropic", stream: false },
  { protocol: "anthropic", stream: true },
];

/** A real SDK client pointed at the scripted server, with the key from the environment as a user would give it. */
export function clientFor(server: ModelServer, protocol: Protocol, stream: boolean, maxRetries = 2): ModelClient {
  const env = { FASCIA_MODEL_PROVIDER: protocol, [protocol === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY"]: SECRET_KEY };
  const settings = modelSettings({ baseUrl: protocol === "openai" ? `${server.url}/v1` : server.url, model: "scripted", stream }, env);
  return createModelClient({ ...settings, maxRetries });
}
