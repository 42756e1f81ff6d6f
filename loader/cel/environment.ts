/**
 * CEL environments for each place an expression can stand. A base environment holds what every
 * expression may use; each tool and each entity clones it. A clone costs as much as the base's
 * type tables, so the loader's base has no row types and each tool adds only its own (withRowTypes).
 */
import { Environment } from "@marcbachmann/cel-js";
import type { EntitySpec } from "../../language/entity";
import { registerDecimal } from "./decimal";
import { rowFields, rowTypeName, type CelTypeName } from "./types";

const OPTIONS = { homogeneousAggregateLiterals: false, unlistedVariablesAreDyn: false } as const;

export const CALLER_TYPE = "tool.Caller";
export const INPUT_TYPE = "tool.Input";
export const NODES_TYPE = "tool.Nodes";
export const SECRETS_TYPE = "tool.Secrets";

/**
 * What each environment declares, kept beside it so type errors can suggest the name that was
 * probably meant (cel-js does not expose its registry). Clones point at their parent: copying the
 * base's row types for every tool would cost O(entities × tools).
 */
interface Declared {
  parent?: Environment;
  types: Map<string, readonly string[]>;
  variables: string[];
}
const DECLARED = new WeakMap<Environment, Declared>();

function declared(env: Environment): Declared {
  let entry = DECLARED.get(env);
  if (!entry) DECLARED.set(env, (entry = { types: new Map(), variables: [] }));
  return entry;
}

function cloneEnvironment(base: Environment): Environment {
  const env = base.clone();
  DECLARED.set(env, { parent: base, types: new Map(), variables: [] });
  return env;
}

function registerObjectType(env: Environment, name: string, fields: Record<string, CelTypeName>): void {
  env.registerType(name, { fields });
  declared(env).types.set(name, Object.keys(fields));
}

function registerVariable(env: Environment, name: string, type: CelTypeName): void {
  env.registerVariable(name, type);
  declared(env).variables.push(name);
}

/** Field names of an object type registered through this module, or undefined. */
export function declaredFields(env: Environment, typeName: string): readonly string[] | undefined {
  for (let e: Environment | undefined = env; e; e = DECLARED.get(e)?.parent) {
    const fields = DECLARED.get(e)?.types.get(typeName);
    if (fields) return fields;
  }
  return undefined;
}

/** Names of the variables an expression in this environment may use. */
export function declaredVariables(env: Environment): string[] {
  const names: string[] = [];
  for (let e: Environment | undefined = env; e; e = DECLARED.get(e)?.parent) names.push(...(DECLARED.get(e)?.variables ?? []));
  return names;
}

/** Output types of the external nodes (what `nodes.<id>` holds after them). */
export const NODE_RESULT_TYPES: Record<string, Record<string, CelTypeName>> = {
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
  // Money: the `decimal` type, its exact arithmetic, rounding, conversions and minorUnits (./decimal.ts).
  registerDecimal(env);
}

function toDate(ts: unknown): Date {
  if (ts instanceof Date) return ts;
  const { seconds, nanos } = ts as { seconds: bigint | number; nanos?: number };
  return new Date(Number(seconds) * 1000 + Math.floor((nanos ?? 0) / 1e6));
}

/**
 * The environment every spec check clones. No row types here: each tool adds the few its nodes use
 * (see withRowTypes). Here, not in load.ts, so the loader's public declarations name no cel-js
 * type (an ES module, which a CommonJS consumer's declarations cannot import without a resolution-mode).
 */
export function createCheckBase(): Environment {
  return createBaseEnvironment([]);
}

export function createBaseEnvironment(entities: readonly EntitySpec[]): Environment {
  const env = new Environment(OPTIONS);
  registerFasciaFunctions(env);
  registerObjectType(env, CALLER_TYPE, { id: "string", roles: "list<string>", claims: "map<string, dyn>" });
  for (const [name, fields] of Object.entries(NODE_RESULT_TYPES)) registerObjectType(env, name, fields);
  // Row types may refer to each other only by id, so registration order does not matter.
  for (const entity of entities) registerObjectType(env, rowTypeName(entity.name), rowFields(entity));
  return env;
}

/**
 * `base` plus the row types of these entities that it lacks. cel-js copies its type tables on every
 * clone and checks each new type against all earlier ones, so a base holding all N row types makes
 * checking N tools O(N²): the loader starts from a base without rows and gives each tool only the
 * rows its own nodes read and write.
 */
export function withRowTypes(base: Environment, entities: readonly EntitySpec[]): Environment {
  const missing = entities.filter((e) => declaredFields(base, rowTypeName(e.name)) === undefined);
  if (missing.length === 0) return base;
  const env = cloneEnvironment(base);
  for (const entity of missing) registerObjectType(env, rowTypeName(entity.name), rowFields(entity));
  return env;
}

export interface ToolScope {
  input: Record<string, CelTypeName>;
  nodes?: Record<string, CelTypeName>;
  secrets?: readonly string[];
}

/** Variables of a tool expression: `input`, `caller`, `now`, and (inside the flow) `nodes`, `secrets`. */
export function createToolEnvironment(base: Environment, scope: ToolScope): Environment {
  const env = cloneEnvironment(base);
  registerObjectType(env, INPUT_TYPE, scope.input);
  registerVariable(env, "input", INPUT_TYPE);
  registerVariable(env, "caller", CALLER_TYPE);
  registerVariable(env, "now", "google.protobuf.Timestamp");
  if (scope.nodes) {
    registerObjectType(env, NODES_TYPE, scope.nodes);
    registerVariable(env, "nodes", NODES_TYPE);
  }
  if (scope.secrets) {
    registerObjectType(env, SECRETS_TYPE, Object.fromEntries(scope.secrets.map((s) => [s, "string"])));
    registerVariable(env, "secrets", SECRETS_TYPE);
  }
  return env;
}

/** Variables of an invariant: the row's own fields by name (no `now`: a CHECK must be deterministic). */
export function createRowEnvironment(base: Environment, entity: EntitySpec): Environment {
  const env = cloneEnvironment(base);
  for (const [name, type] of Object.entries(rowFields(entity))) {
    // A field named like a CEL type (`type`, `string`) or a reserved word (`prototype`) is a valid
    // column, but cel-js refuses it as a variable: invariants cannot name it bare.
    if (!env.hasVariable(name) && !CEL_RESERVED_WORDS.has(name)) registerVariable(env, name, type);
  }
  return env;
}

/** cel-js's reserved identifiers (lib/globals.js RESERVED), which it will not declare as variables. */
const CEL_RESERVED_WORDS = new Set([
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
  "__proto__",
  "prototype",
]);

/** A Policy checked on its own: it may name input, caller and nodes, all dynamic. */
export function createPolicyEnvironment(base: Environment): Environment {
  const env = cloneEnvironment(base);
  registerVariable(env, "input", "map<string, dyn>");
  registerVariable(env, "caller", CALLER_TYPE);
  registerVariable(env, "now", "google.protobuf.Timestamp");
  registerVariable(env, "nodes", "map<string, dyn>");
  return env;
}
