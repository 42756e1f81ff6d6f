/** The diagram across entities: every entity, and one edge per relationship field. */
import { indexApp } from "../app-index";
import type { AppDocuments } from "../documents";
import type { EntityGraph } from "../protocol";

export function entityGraph(app: AppDocuments): EntityGraph {
  const entities = indexApp(app)
    .filter((d) => d.kind === "Entity")
    .sort((a, b) => a.name.localeCompare(b.name));
  const relations = entities.flatMap((doc) => {
    const relationships = doc.value.relationships;
    if (!relationships || typeof relationships !== "object") return [];
    return Object.entries(relationships as Record<string, { kind?: unknown; entity?: unknown; optional?: unknown } | null>).flatMap(
      ([field, r]) =>
        r && typeof r.entity === "string"
          ? [{ from: doc.name, field, to: r.entity, required: r.kind === "belongsTo" && r.optional !== true }]
          : [],
    );
  });
  return { entities: entities.map((d) => d.name), relations };
}
