/**
 * A manifest made ready to serve: specs re-checked (unless the plan hash proved them checked), CEL environments rebuilt exactly as the
 * checker built them, expressions parsed, input validators and step trees built — all once, at
 * startup. Nothing here touches the database.
 */
import type { ExecutionPlan } from "../../compiler/flow/plan";
import type { Table } from "../../compiler/schema/model";
import { createBaseEnvironment, createRowEnvironment, CALLER_TYPE, INPUT_TYPE, NODE_RESULT_TYPES } from "../../loader/cel/environment";
import { celTypeOfField, rowFields, rowTypeName, type CelTypeName } from "../../loader/cel/types";
import { toolEnvironments } from "../../loader/check/tools";
import type { EntitySpec } from "../../language/entity";
import type { PolicySpec } from "../../language/policy";
import type { ToolSpec } from "../../language/tool";
import { validSpecs } from "../../loader/invalid-specs";
import { checkedSpecSet } from "../../loader/checked-specs";
import type { loadSpecObjects as LoadSpecObjects } from "../../loader/load";
import type { SpecSet } from "../../loader/model";
import type { TypeTable } from "../cel/values";
import { createInputReader, type InputReader } from "../input/read-input";
import { secretNames } from "../../loader/model";
import { toolRoute, type ToolRoute } from "../../contracts/routes";
import { checkManifest, ManifestError, type AppManifest } from "./manifest";
import { createExpressionSet, type ExpressionSet } from "./expressions";
import { buildProgram, finalTransaction, withImplicitTransactions, type ProgramItem } from "./program";

export interface RuntimeTool {
  readonly name: string;
  readonly spec: ToolSpec;
  readonly plan: ExecutionPlan;
  readonly program: ProgramItem[];
  /** The transaction whose commit also stores the response and the audit record, if any. */
  readonly finalTransaction: string | null;
  /**
   * No transaction in the plan and no external node: the whole flow runs in one implicit
   * transaction that also carries the audit record (same statements, one commit).
   */
  readonly implicitTransaction: boolean;
  readonly route: ToolRoute;
  readonly input: InputReader;
  /** CEL type of each input field, to hand values to CEL as the checker typed them. */
  readonly types: TypeTable;
  /** Tool policies (step 4) and the webhook's event id: input, caller, now. */
  readonly preFlow: ExpressionSet;
  /** Node expressions and the output: also nodes and secrets. */
  readonly flow: ExpressionSet;
  readonly policies: readonly PolicySpec[];
}

export interface EntityRuntime {
  readonly spec: EntitySpec;
  readonly table: Table;
  /** Invariants the database cannot check, evaluated on every written row before commit. */
  readonly executorInvariants: readonly { name: string; rule: string; message: string }[];
  readonly invariantExpressions: ExpressionSet;
}

export interface RuntimeApp {
  readonly manifest: AppManifest;
  readonly specs: SpecSet;
  readonly entities: ReadonlyMap<string, EntityRuntime>;
  readonly tools: ReadonlyMap<string, RuntimeTool>;
  readonly policies: ReadonlyMap<string, PolicySpec>;
  /** Every secret the specs name (FASCIA_SECRET_<NAME> must be set for each). */
  readonly secretNames: readonly string[];
}

export interface PrepareOptions {
  /**
   * The manifest's specs are known to be the ones the compiler checked: its plan hash matched
   * FASCIA_PLAN_HASH (server/plan-check.ts), so they are not parsed and checked again (the
   * largest part of a cold start). Otherwise (unset: local runs, tests) they are re-checked.
   */
  specsChecked?: boolean;
}

/**
 * The spec loader, required where the specs are checked, not imported at the top: esbuild then
 * initializes it (the YAML parser, the spec schemas) only in a process that checks them, never in
 * a governed one's cold start.
 */
function loader(): { loadSpecObjects: typeof LoadSpecObjects } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../../loader/load") as { loadSpecObjects: typeof LoadSpecObjects };
}

export function prepareApp(value: AppManifest | unknown, options: PrepareOptions = {}): RuntimeApp {
  const manifest = checkManifest(value);
  const { entities, tools, policies } = manifest.specs;
  const source = manifest.source || "manifest";
  const objects = [...entities, ...tools, ...policies];
  // Unchecked: specs that checked when the manifest was built but not with this executor's loader are refused.
  const specs = options.specsChecked
    ? checkedSpecSet(objects, source)
    : validSpecs(loader().loadSpecObjects(objects, source), `the app manifest of ${source}`);
  // As the loader does: no row types in the base (a clone copies them all), each tool adds its own.
  const base = createBaseEnvironment([]);
  const rowTypes: [string, Record<string, CelTypeName>][] = entities.map((e) => [rowTypeName(e.name), rowFields(e)]);
  const sharedTypes = [
    ...rowTypes,
    ...Object.entries(NODE_RESULT_TYPES),
    [CALLER_TYPE, { id: "string", roles: "list<string>", claims: "map<string, dyn>" }],
  ] as [string, Record<string, CelTypeName>][];

  const entityRuntimes = new Map<string, EntityRuntime>();
  for (const entity of entities) {
    const table = manifest.schema.tables.find((t) => t.entity === entity.name);
    if (!table) throw new ManifestError(`the manifest's schema has no table for entity ${entity.name}`);
    const executorInvariants = table.executorInvariants.map(({ name, rule, message }) => ({ name, rule, message }));
    entityRuntimes.set(entity.name, {
      spec: entity,
      table,
      executorInvariants,
      invariantExpressions: createExpressionSet(() => (executorInvariants.length ? createRowEnvironment(base, entity) : base)),
    });
  }

  const runtimeTools = new Map<string, RuntimeTool>();
  for (const located of specs.tools.values()) {
    const spec = located.spec;
    const plan = manifest.plans[spec.name]!;
    // A tool's CEL environments are built at its first expression, not at startup: ~3 ms a tool,
    // which only the tools an instance actually serves pay (docs/executor.md, "Cold start").
    let envs: ReturnType<typeof toolEnvironments> | undefined;
    const environments = () => (envs ??= toolEnvironments(located, specs, base));
    // As toolEnvironments types them, without building the environments.
    const inputTypes = Object.fromEntries(Object.entries(spec.input ?? {}).map(([n, f]) => [n, celTypeOfField(f)]));
    const hasExternal = Object.values(plan.nodes).some((n) => n.external !== undefined);
    const implicitTransaction = plan.transactions.length === 0 && !hasExternal;
    const program = withImplicitTransactions(buildProgram(plan), plan, implicitTransaction);
    runtimeTools.set(spec.name, {
      name: spec.name,
      spec,
      plan,
      program,
      finalTransaction: finalTransaction(program),
      implicitTransaction,
      route: toolRoute(spec),
      input: createInputReader(spec.input ?? {}),
      types: new Map([...sharedTypes, [INPUT_TYPE, inputTypes]]),
      preFlow: createExpressionSet(() => environments().preFlow),
      flow: createExpressionSet(() => environments().flow),
      policies: (spec.policies ?? []).map((name) => specs.policies.get(name)!.spec),
    });
  }
  return {
    manifest,
    specs,
    entities: entityRuntimes,
    tools: runtimeTools,
    policies: new Map([...specs.policies].map(([name, p]) => [name, p.spec])),
    secretNames: secretNames(specs),
  };
}
