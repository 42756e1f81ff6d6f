/**
 * The arbitrary of VALID spec sets: entities, policies and tools that must load with no diagnostic.
 * Each part is built so that it is right by construction (see entities.ts and flows.ts); a
 * diagnostic on a generated set is either a generator bug or a loader false error, and the
 * property test prints the set so the two can be told apart.
 */
import fc from "fast-check";
import type { EntitySpec } from "../../../language/entity";
import type { InputFieldSpec } from "../../../language/field";
import type { PolicySpec } from "../../../language/policy";
import type { ToolSpec } from "../../../language/tool";
import { Choices } from "./choices";
import { genEntities, genInputField, opt } from "./entities";
import { Expressions, canName, fieldTerm, quote, type Term } from "./expressions";
import { genFlow } from "./flows";
import { NameSource } from "./names";

export interface GeneratedSpecs {
  entities: EntitySpec[];
  policies: PolicySpec[];
  tools: ToolSpec[];
}

export const validSpecSet: fc.Arbitrary<GeneratedSpecs> = fc.gen().map((g) => buildSpecSet(new Choices(g)));

export function allDocuments(set: GeneratedSpecs): (EntitySpec | PolicySpec | ToolSpec)[] {
  return [...set.entities, ...set.policies, ...set.tools];
}

const CALLER: Term = { text: "caller.id", cel: "string", meaning: "uuid", nullable: false };
const PATH_PARAM_TYPES = ["string", "uuid", "integer", "bigint", "enum", "date"] as const;

function buildSpecSet(c: Choices): GeneratedSpecs {
  const names = new NameSource(c);
  const entities = genEntities(c, names);
  const policyNames = new Set<string>();
  // Caller-only policies may be used anywhere; the others read nodes and input, which only a
  // Policy checked on its own may leave untyped, so no tool uses them.
  const callerOnly = Array.from({ length: c.int(0, 2) }, (): PolicySpec => ({
    kind: "Policy",
    name: names.camel(policyNames),
    rule: new Expressions(c, [CALLER], { now: true, caller: true }).of("bool"),
    ...opt({ description: c.chance(20) ? c.text() : undefined, message: c.chance(60) ? c.text(1) : undefined }),
  }));
  const free = Array.from({ length: c.int(0, 1) }, (): PolicySpec => ({
    kind: "Policy",
    name: names.camel(policyNames),
    rule: `nodes.${c.pick(["load", "x"])}.customerId == caller.id || input.${c.pick(["a", "size"])} == ${quote(c.text())}`,
  }));
  const toolNames = new Set<string>();
  const tools = Array.from({ length: c.int(1, 3) }, (_, index) =>
    genTool(c, names, { entities, callerPolicies: callerOnly.map((p) => p.name), toolNames, index }),
  );
  return { entities, policies: [...callerOnly, ...free], tools };
}

interface ToolContext {
  entities: EntitySpec[];
  callerPolicies: string[];
  toolNames: Set<string>;
  index: number;
}

function genTool(c: Choices, names: NameSource, ctx: ToolContext): ToolSpec {
  const kind = c.pick(["http", "http", "schedule", "webhook"] as const);
  const input: Record<string, InputFieldSpec> = {};
  const inputNames = new Set<string>();
  let trigger: ToolSpec["trigger"];
  if (kind === "http") {
    // A distinct first segment per tool keeps routes unique; parameters bind input fields by name.
    let path = `/t${ctx.index}`;
    for (let i = c.int(0, 2); i > 0; i--) {
      const name = names.camel(inputNames);
      const field = genInputField(c, names, c.pick(PATH_PARAM_TYPES));
      if (c.chance(50)) delete field.optional;
      else field.optional = false;
      input[name] = field;
      path += `/${c.pick(["items", "x-y", "a.b", "_", "v1"])}/{${name}}`;
    }
    if (c.chance(30)) path += "/";
    trigger = { http: { method: c.pick(["GET", "POST", "PUT", "PATCH", "DELETE"] as const), path } };
  } else if (kind === "schedule") {
    trigger = {
      schedule: {
        cron: cron(c),
        ...opt({ timezone: c.chance(50) ? c.pick(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]) : undefined }),
      },
    };
  } else {
    trigger = { webhook: { path: `/hooks/t${ctx.index}`, secret: names.secret(new Set()) } };
  }
  for (let i = c.int(0, 3); i > 0; i--) {
    const field = genInputField(c, names);
    // A scheduled tool is called with no input: every field must be optional.
    if (kind === "schedule") field.optional = true;
    input[names.camel(inputNames)] = field;
  }
  const inputTerms = Object.entries(input)
    .filter(([n]) => canName(n, false))
    .map(([n, f]) => fieldTerm(`input.${n}`, f));
  if (kind === "webhook" && c.chance(50)) {
    trigger.webhook!.eventId = new Expressions(c, [...inputTerms, CALLER], { now: true, caller: true }).of("string");
  }
  const secretNames = new Set<string>();
  const secrets = c.chance(30) ? Array.from({ length: c.int(1, 2) }, () => names.secret(secretNames)) : [];
  const terms: Term[] = [
    ...inputTerms,
    CALLER,
    ...secrets.map((s) => ({ text: `secrets.${s}`, cel: "string" as const, meaning: "string" as const, nullable: false })),
  ];

  const flow = genFlow(c, names, { entities: ctx.entities, policies: ctx.callerPolicies, terms, budget: c.int(1, 8) });
  const full = new Expressions(c, [...terms, ...flow.outputTerms], { now: true, caller: true });
  const nodeIds = flow.nodes.map((n) => n.id);
  const output = c.chance(60)
    ? c.chance(50)
      ? `{${Array.from({ length: c.int(1, 3) }, (_, i) => `'k${i}': ${full.any(1).text}`).join(", ")}}`
      : full.any().text
    : undefined;
  const policies = c.some(ctx.callerPolicies, 2);
  return {
    kind: "Tool",
    name: names.camel(ctx.toolNames),
    trigger,
    ...opt({
      description: c.chance(30) ? c.text() : undefined,
      input: Object.keys(input).length || c.chance(10) ? input : undefined,
      auth:
        kind === "http"
          ? c.chance(50)
            ? c.chance(50)
              ? { roles: c.some(["staff", "customer", "admin", "a b"], 3, 60).concat("user") }
              : { public: c.chance(80) }
            : undefined
          : // A scheduled or webhook tool's auth is valid when it admits the trigger's own role.
            c.chance(30)
            ? { roles: c.some(["staff", "admin"], 2, 30).concat(kind === "schedule" ? "scheduler" : "webhook") }
            : undefined,
      policies: policies.length ? policies : undefined,
      timeout: c.chance(40) ? `${c.int(1, 60)}s` : undefined,
      idempotency: c.chance(40) ? c.pick(["required", "optional", "none"] as const) : undefined,
      secrets: secrets.length ? secrets : undefined,
      acknowledge: c.chance(20)
        ? [{ rule: `Y00${c.int(1, 9)}`, reason: c.text(1), ...opt({ node: c.chance(50) ? c.pick(nodeIds) : undefined }) }]
        : undefined,
      output,
    }),
    flow: { nodes: flow.nodes, ...(flow.edges.length || c.chance(20) ? { edges: flow.edges } : {}) },
  };
}

function cron(c: Choices): string {
  const part = (lo: number, hi: number) =>
    c.pick([
      () => "*",
      () => String(c.int(lo, hi)),
      () => `*/${c.int(1, hi)}`,
      () => `${lo}-${hi}`,
      () => `${c.int(lo, hi)},${c.int(lo, hi)}`,
    ])();
  return [part(0, 59), part(0, 23), part(1, 31), part(1, 12), part(0, 7)].join(" ");
}
