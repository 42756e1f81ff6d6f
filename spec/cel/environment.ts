/**
 * CEL environments for each place an expression can stand. Entity row types are registered once
 * in a base environment; each tool and each entity then clones it (cloning is cheap; registering
 * every entity per tool would be quadratic).
 */
import { Environment } from "@marcbachmann/cel-js";
import type { EntitySpec } from "../language/entity";
import { rowFields, rowTypeName, type CelTypeName } from "./types";

const OPTIONS = { homogeneousAggregateLiterals: false, unlistedVariablesAreDyn: false } as const;

export const CALLER_TYPE = "tool.Caller";
export const INPUT_TYPE = "tool.Input";
export const NODES_TYPE = "tool.Nodes";
export const SECRETS_TYPE = "tool.Secrets";

/** Output types of the external nodes (what `nodes.<id>` holds after them). */
const NODE_RESULT_TYPES: Record<string, Record<string, CelTypeName>> = {
  "tool.Payment": { id: "string", status: "string", amount: "int", currency: "string", customer: "dyn<string>" },
  "tool.EmailResult": { messageId: "string" },
  "tool.HttpResponse": { status: "int", headers: "map<string, string>", body: "dyn" },
};

/**
 * Functions Fascia adds to standard CEL. Kept few and documented in docs/spec-language.md;
 * the executor evaluates with the same environment, so checking and running never disagree.
 */
function registerFasciaFunctions(env: Environment): void {
  // `date(now)`: the UTC calendar date as YYYY-MM-DD, comparable with date fields.
  env.registerFunction("date(google.protobuf.Timestamp): string", (ts: unknown) => toDate(ts).toISOString().slice(0, 10));
}

function toDate(ts: unknown): Date {
  if (ts instanceof Date) return ts;
  const { seconds, nanos } = ts as { seconds: bigint | number; nanos?: number };
  return new Date(Number(seconds) * 1000 + Math.floor((nanos ?? 0) / 1e6));
}

export function createBaseEnvironment(entities: readonly EntitySpec[]): Environment {
  const env = new Environment(OPTIONS);
  registerFasciaFunctions(env);
  env.registerType(CALLER_TYPE, { fields: { id: "string", roles: "list<string>", claims: "map<string, dyn>" } });
  for (const [name, fields] of Object.entries(NODE_RESULT_TYPES)) env.registerType(name, { fields });
  // Row types may refer to each other only by id, so registration order does not matter.
  for (const entity of entities) env.registerType(rowTypeName(entity.name), { fields: rowFields(entity) });
  return env;
}

export interface ToolScope {
  input: Record<string, CelTypeName>;
  nodes?: Record<string, CelTypeName>;
  secrets?: readonly string[];
}

/** Variables of a tool expression: `input`, `caller`, `now`, and (inside the flow) `nodes`, `secrets`. */
export function createToolEnvironment(base: Environment, scope: ToolScope): Environment {
  const env = base.clone();
  env.registerType(INPUT_TYPE, { fields: scope.input });
  env.registerVariable("input", INPUT_TYPE);
  env.registerVariable("caller", CALLER_TYPE);
  env.registerVariable("now", "google.protobuf.Timestamp");
  if (scope.nodes) {
    env.registerType(NODES_TYPE, { fields: scope.nodes });
    env.registerVariable("nodes", NODES_TYPE);
  }
  if (scope.secrets) {
    env.registerType(SECRETS_TYPE, { fields: Object.fromEntries(scope.secrets.map((s) => [s, "string"])) });
    env.registerVariable("secrets", SECRETS_TYPE);
  }
  return env;
}

/** Variables of an invariant: the row's own fields by name (no `now`: a CHECK must be deterministic). */
export function createRowEnvironment(base: Environment, entity: EntitySpec): Environment {
  const env = base.clone();
  for (const [name, type] of Object.entries(rowFields(entity))) env.registerVariable(name, type);
  return env;
}

/** A Policy checked on its own: it may name input, caller and nodes, all dynamic. */
export function createPolicyEnvironment(base: Environment): Environment {
  const env = base.clone();
  env.registerVariable("input", "map<string, dyn>");
  env.registerVariable("caller", CALLER_TYPE);
  env.registerVariable("now", "google.protobuf.Timestamp");
  env.registerVariable("nodes", "map<string, dyn>");
  return env;
}
