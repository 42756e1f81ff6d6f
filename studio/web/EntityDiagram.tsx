/** The relationships across entities: one arrow per relationship field. */
import { useMemo } from "react";
import type { EntityGraph } from "../protocol";
import { Diagram } from "./Diagram";
import { href } from "./router";

export function EntityDiagram(props: { graph: EntityGraph }) {
  const boxes = useMemo(
    () => props.graph.entities.map((e) => ({ id: e, label: e, testId: `entity-box-${e}`, href: href({ page: "entity", name: e }) })),
    [props.graph],
  );
  const links = useMemo(
    () => props.graph.relations.map((r) => ({ from: r.from, to: r.to, label: r.field, dashed: !r.required })),
    [props.graph],
  );
  return (
    <div data-testid="entity-diagram">
      <Diagram boxes={boxes} links={links} height={300} />
    </div>
  );
}
