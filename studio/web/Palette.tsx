/** The 13 node types, grouped as the server's catalog groups them; a click starts a new node of that type. */
import type { NodeTypeCatalog } from "../protocol";
import { TYPE_GLYPH } from "./nodeText";

export function Palette(props: { catalog: NodeTypeCatalog | null; active: string | null; onPick(type: string): void }) {
  if (!props.catalog) return <aside className="palette" />;
  return (
    <aside className="palette" data-testid="palette">
      <div className="palette-title">Add a node</div>
      {props.catalog.groups.map((group) => (
        <div key={group.name} className="palette-group">
          <div className="palette-group-name">{group.name}</div>
          {group.types.map((type) => (
            <button
              key={type}
              className={props.active === type ? "palette-item active" : "palette-item"}
              data-testid={`palette-${type}`}
              title={`Add a ${type} node`}
              onClick={() => props.onPick(type)}
            >
              <span className="glyph">{TYPE_GLYPH[type] ?? "•"}</span>
              {type}
            </button>
          ))}
        </div>
      ))}
    </aside>
  );
}
