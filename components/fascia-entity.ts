/**
 * FasciaEntity: one Entity of the app. Validated in its context (the entities it relates to) when
 * constructed; its spec is recorded by a child dynamic resource whose `check` compares it with
 * the spec recorded at the last deploy, and refuses a Red schema change (dropping an entity or
 * field, narrowing a type, …) unless the entity says `allowDataLoss: { reason }`.
 */
import * as pulumi from "@pulumi/pulumi";
import { EntitySpecRecord } from "../provider/entity-spec-record";
import type { EntityMigrationSummary } from "../risk/entity-migration";
import type { EntitySpec } from "../language/entity";
import { knownNow } from "./inputs";
import { childName } from "./naming";
import { specInContext } from "./spec-input";
import { tableName } from "./tables";

export const FASCIA_ENTITY_TYPE = "fascia:index:FasciaEntity";

export interface FasciaEntityArgs {
  /** The Entity spec, the same object as its YAML document. */
  spec: pulumi.Input<EntitySpec>;
  /** Other entities of the app (those its relationships name); unrelated ones are ignored. */
  entities?: pulumi.Input<EntitySpec[]>;
}

export class FasciaEntity extends pulumi.ComponentResource {
  public readonly entityName: pulumi.Output<string>;
  /** The table the migration job creates (snake_case of the name). */
  public readonly tableName: pulumi.Output<string>;
  /** The planned change against the spec recorded at the last deploy (filled by the record's check). */
  public readonly migration: pulumi.Output<EntityMigrationSummary | undefined>;
  public readonly record: EntitySpecRecord;

  constructor(name: string, args: FasciaEntityArgs, opts?: pulumi.ComponentResourceOptions) {
    const spec = knownNow(args.spec);
    // Registered as the component's inputs, for resource policies (CrossGuard): the entity's name and spec.
    const entityName = spec.known ? (spec.value as { name: string }).name : pulumi.output(args.spec).apply((s) => s.name);
    super(FASCIA_ENTITY_TYPE, name, { entityName, spec: args.spec }, opts);
    const entities = knownNow(args.entities);
    const validated =
      spec.known && entities.known
        ? pulumi.output(this.validate(name, spec.value, entities.value ?? []))
        : pulumi.all([args.spec, args.entities ?? []]).apply(([s, e]) => this.validate(name, s as EntitySpec, e as EntitySpec[]));
    this.entityName = validated.apply((v) => v.spec.name);
    this.tableName = validated.apply((v) => tableName(v.spec.name));
    this.record = new EntitySpecRecord(
      childName(name, "record"),
      { entity: this.entityName, spec: validated.apply((v) => v.spec), related: validated.apply((v) => v.related) },
      { parent: this },
    );
    this.migration = this.record.migration;
    this.registerOutputs({ entityName: this.entityName, tableName: this.tableName, migration: this.migration });
  }

  private validate(name: string, spec: EntitySpec, entities: EntitySpec[]): { spec: EntitySpec; related: EntitySpec[] } {
    const others = entities.filter((e) => e.name !== spec.name);
    try {
      const specs = specInContext(spec, others, `FasciaEntity ${name}`);
      const validated = specs.entities.get(spec.name)!.spec;
      return { spec: validated, related: relatedEntities(validated, others) };
    } catch (error) {
      throw new pulumi.ResourceError((error as Error).message, this, true);
    }
  }
}

/** The entities a relationship names, recorded with the spec so the planner can compile its keys. */
export function relatedEntities(spec: EntitySpec, entities: readonly EntitySpec[]): EntitySpec[] {
  const names = new Set(Object.values(spec.relationships ?? {}).map((r) => r.entity));
  return entities.filter((e) => names.has(e.name)).sort((a, b) => a.name.localeCompare(b.name));
}
