/** A one-entity app whose tools are Red, Yellow or acknowledged Yellow, for governance tests. */
import type { EntitySpec } from "../../../language/entity";
import type { ToolSpec } from "../../../language/tool";

export const ITEM: EntitySpec = {
  kind: "Entity",
  name: "Item",
  fields: { title: { type: "string", maxLength: 100 }, qty: { type: "integer" }, note: { type: "string", maxLength: 200, optional: true } },
} as EntitySpec;

const create = { id: "create", type: "write", entity: "Item", action: "create", set: { title: "input.title", qty: "1" } };

function tool(name: string, path: string, extra: Record<string, unknown>): ToolSpec {
  return {
    kind: "Tool",
    name,
    trigger: { http: { method: "POST", path } },
    input: { title: { type: "string", maxLength: 100 } },
    auth: { roles: ["staff"] },
    ...extra,
  } as unknown as ToolSpec;
}

/** R001: a write outside every transaction. */
export const RED_TOOL = tool("addItem", "/items", { timeout: "5s", flow: { nodes: [create] } });
/** Y005: no timeout, not acknowledged. */
export const YELLOW_TOOL = tool("addItemNoTimeout", "/items/slow", {
  flow: { nodes: [create, { id: "tx", type: "transaction", nodes: ["create"] }] },
});
/** Y005 acknowledged at tool level. */
export const ACKED_TOOL = tool("addItemAcked", "/items/acked", {
  acknowledge: [{ rule: "Y005", reason: "the caller's own deadline bounds it" }],
  flow: { nodes: [create, { id: "tx", type: "transaction", nodes: ["create"] }] },
});
/** Green. */
export const GREEN_TOOL = tool("addItemGreen", "/items/green", {
  timeout: "5s",
  flow: { nodes: [create, { id: "tx", type: "transaction", nodes: ["create"] }] },
});

export const IMAGE = `europe-west1-docker.pkg.dev/acme/fascia/executor@sha256:${"cd".repeat(32)}`;
