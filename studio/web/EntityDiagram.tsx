/** The relationships across entities: one arrow per relationship field. */
import { useMemo } from "react";
import type { EntityGraph } from "../protocol";
import { Diagram } from "./Diagram";
import { href } from "./router";

/** Beyond this many entities a diagram is a hairball (and a slow one): the entity pages say it better. */
const MAX_DRAWN = 120;

export function EntityDiagram(props: { graph: EntityGraph }) {
  const boxes = useMemo(
    () => props.graph.entities.map((e) => ({ id: e, label: e, testId: `entity-box-${e}`, href: href({ page: "entity", name: e }) })),
    [props.graph],
  );
  const links = useMemo(() => pairUp(props.graph.relations), [props.graph]);
  if (boxes.length > MAX_DRAWN)
    return (
      <p className="muted" data-testid="entity-diagram">
        {boxes.length} entities and {links.length} relationships: too many to draw at once. Each entity's page lists its relationships.
      </p>
    );
  return (
    <div data-testid="entity-diagram">
      <Diagram boxes={boxes} links={links} height={300} />
    </div>
  );
}

/** A relationship and its inverse (belongsTo and hasMany) become one link, drawn from the side that holds the reference. */
function pairUp(relations: EntityGraph["relations"]) {
  const links: { from: string; to: string; label: string; dashed: boolean; both: boolean }[] = [];
  const used = new Set<number>();
  relations.forEach((r, i) => {
    if (used.has(i)) return;
    const j = relations.findIndex((o, k) => k !== i && !used.has(k) && o.from === r.to && o.to === r.from);
    if (j < 0) {
      links.push({ from: r.from, to: r.to, label: r.field, dashed: !r.required, both: false });
      return;
    }
    used.add(j);
    const inverse = relations[j]!;
    const [holder, other] = !r.required && inverse.required ? [inverse, r] : [r, inverse];
    links.push({ from: holder.from, to: holder.to, label: `${holder.field} · ${other.field}`, dashed: !holder.required, both: true });
  });
  return links;
}
