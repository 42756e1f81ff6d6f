/**
 * The record of an entity's deployed spec. Components never see their previous state; a dynamic
 * resource's `check` does (its `olds` are the inputs stored at the last deploy), so this is where
 * a destructive schema change is refused — during `pulumi preview`, before anything is applied.
 * The record itself touches no cloud API: create/update store the inputs, delete forgets them
 * (dropping tables is the migration job's business, governed by the same rules).
 */
import * as pulumi from "@pulumi/pulumi";
import type * as Judge from "../risk/entity-migration";
import type { EntityMigrationSummary, RecordedEntity } from "../risk/entity-migration";
import type { EntitySpec } from "../language/entity";
import { loaderByPath, modulePaths } from "./load-by-path";

/** The planner (zod, CEL, the schema compiler) is required by path in the provider process (load-by-path.ts says why). */
const loadJudge = loaderByPath<typeof Judge>(modulePaths(require.resolve("../risk/entity-migration")), "the Fascia migration judge");

export interface EntitySpecRecordInputs {
  entity: string;
  spec: EntitySpec;
  related: EntitySpec[];
  /** Filled by `check`: the planned migration against the recorded spec. */
  migration?: EntityMigrationSummary;
}

/** The engine's placeholder for a value not known at preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function hasUnknown(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes(UNKNOWN);
}

function recorded(inputs: Partial<EntitySpecRecordInputs> | undefined): RecordedEntity | undefined {
  if (!inputs?.spec) return undefined;
  return { spec: inputs.spec, related: inputs.related ?? [] };
}

export const entitySpecRecordProvider = {
  async check(
    olds: Partial<EntitySpecRecordInputs>,
    news: EntitySpecRecordInputs,
  ): Promise<pulumi.dynamic.CheckResult<EntitySpecRecordInputs>> {
    // Unknown at preview: judged when the update runs `check` again with the resolved values.
    if (hasUnknown(news.spec) || hasUnknown(news.related)) return { inputs: news };
    const judgement = loadJudge().judgeEntityChange(recorded(olds), { spec: news.spec, related: news.related ?? [] });
    if (judgement.refused) return { inputs: news, failures: [{ property: "spec", reason: judgement.message! }] };
    return { inputs: { ...news, migration: judgement.summary } };
  },
  async diff(_id: string, olds: EntitySpecRecordInputs, news: EntitySpecRecordInputs): Promise<pulumi.dynamic.DiffResult> {
    const { canonicalJson } = loadJudge();
    const changed = (["spec", "related"] as const).filter((key) => canonicalJson(olds[key]) !== canonicalJson(news[key]));
    return { changes: changed.length > 0 || olds.entity !== news.entity, replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: EntitySpecRecordInputs): Promise<pulumi.dynamic.CreateResult> {
    return { id: inputs.entity, outs: inputs };
  },
  async update(_id: string, _olds: EntitySpecRecordInputs, news: EntitySpecRecordInputs): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: news };
  },
  async delete(): Promise<void> {},
} satisfies pulumi.dynamic.ResourceProvider;

export interface EntitySpecRecordArgs {
  entity: pulumi.Input<string>;
  spec: pulumi.Input<EntitySpec>;
  related: pulumi.Input<EntitySpec[]>;
}

export class EntitySpecRecord extends pulumi.dynamic.Resource {
  declare public readonly spec: pulumi.Output<EntitySpec>;
  declare public readonly migration: pulumi.Output<EntityMigrationSummary | undefined>;

  constructor(name: string, args: EntitySpecRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(entitySpecRecordProvider, name, { ...args, migration: undefined }, opts, "fascia", "EntitySpecRecord");
  }
}
