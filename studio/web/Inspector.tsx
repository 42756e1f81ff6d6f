/** The side panel's first tab: the selected node's form, a scope's settings, or the form of a node being added. */
import { useState } from "react";
import type { FlowNodeView, NodeTypeCatalog, ScopeView } from "../protocol";
import { FindingList, ProblemList } from "./Problems";
import { RiskBadge } from "./RiskBadge";
import { diffSpec, SchemaForm, type JsonSchema } from "./SchemaForm";
import { TYPE_GLYPH } from "./nodeText";

type Value = Record<string, unknown>;

export function NodeInspector(props: { node: FlowNodeView; catalog: NodeTypeCatalog; onApply(set: Value, unset: string[]): void; onRemove(): void }) {
  const { node } = props;
  const [value, setValue] = useState<Value>(() => strip(node.spec));
  const change = diffSpec(node.spec, { ...value, id: node.id, type: node.type });
  const changed = Object.keys(change.set).length > 0 || change.unset.length > 0;
  return (
    <div className="inspector" data-testid="inspector" data-node={node.id}>
      <div className="inspector-head">
        <span className="glyph">{TYPE_GLYPH[node.type]}</span>
        <h3>{node.id}</h3>
        <span className="muted">{node.type}</span>
        <RiskBadge risk={node.risk} />
      </div>
      {(node.findings.length > 0 || node.problems.length > 0) && (
        <div className="inspector-issues">
          {node.problems.length > 0 && <ProblemList problems={node.problems} />}
          {node.findings.length > 0 && <FindingList findings={node.findings} />}
        </div>
      )}
      <SchemaForm schema={schemaOf(props.catalog, node.type)} value={value} onChange={setValue} />
      <div className="actions">
        <button className="primary" data-testid="apply" disabled={!changed} onClick={() => props.onApply(change.set, change.unset)}>
          Apply
        </button>
        <button disabled={!changed} onClick={() => setValue(strip(node.spec))}>
          Reset
        </button>
        <div className="spacer" />
        <button className="danger" data-testid="remove-node" onClick={props.onRemove}>
          Remove
        </button>
      </div>
    </div>
  );
}

export function NewNodeForm(props: { type: string; catalog: NodeTypeCatalog; onAdd(node: Value): void; onCancel(): void }) {
  const [id, setId] = useState("");
  const [value, setValue] = useState<Value>(() => structuredClone(props.catalog.defaults[props.type] ?? {}));
  if (props.type === "transaction" || props.type === "retry")
    return (
      <div className="inspector" data-testid="new-node">
        <div className="inspector-head">
          <span className="glyph">{TYPE_GLYPH[props.type]}</span>
          <h3>New {props.type === "transaction" ? "transaction" : "retry scope"}</h3>
        </div>
        <p>
          A {props.type === "transaction" ? "transaction" : "retry scope"} is drawn around the nodes it holds. Select them on the canvas (
          <kbd>Ctrl</kbd>/<kbd>Shift</kbd>+click for several), then click <strong>{props.type}</strong> in the palette or{" "}
          <strong>{props.type === "transaction" ? "Transaction" : "Retry"}</strong> in the toolbar.
        </p>
        <div className="actions">
          <button onClick={props.onCancel}>Close</button>
        </div>
      </div>
    );
  return (
    <div className="inspector" data-testid="new-node">
      <div className="inspector-head">
        <span className="glyph">{TYPE_GLYPH[props.type]}</span>
        <h3>New {props.type} node</h3>
      </div>
      <div className="form">
        <label className="field">
          <span className="field-label">id</span>
          <input data-testid="field-id" placeholder="chosen for you when empty" value={id} onChange={(e) => setId(e.target.value.trim())} />
        </label>
      </div>
      <SchemaForm schema={schemaOf(props.catalog, props.type)} value={value} onChange={setValue} />
      <div className="actions">
        <button className="primary" data-testid="add-node" onClick={() => props.onAdd({ ...value, ...(id ? { id } : {}), type: props.type })}>
          Add node
        </button>
        <button onClick={props.onCancel}>Cancel</button>
      </div>
    </div>
  );
}

export function ScopeInspector(props: { scope: ScopeView; catalog: NodeTypeCatalog; onApply(set: Value, unset: string[]): void; onUngroup(): void }) {
  const { scope } = props;
  const [value, setValue] = useState<Value>(() => strip(scope.spec, ["nodes"]));
  const change = diffSpec(scope.spec, { ...value, id: scope.id, type: scope.type, nodes: scope.spec["nodes"] }, ["id", "type", "nodes"]);
  const changed = Object.keys(change.set).length > 0 || change.unset.length > 0;
  return (
    <div className="inspector" data-testid="scope-inspector" data-scope={scope.id}>
      <div className="inspector-head">
        <span className="glyph">{TYPE_GLYPH[scope.type]}</span>
        <h3>{scope.id}</h3>
        <span className="muted">{scope.type}</span>
        <RiskBadge risk={scope.risk} />
      </div>
      <p className="muted">
        Holds {scope.members.length === 1 ? "" : `${scope.members.length} members: `}
        {scope.members.join(", ")}
      </p>
      {scope.problems.length > 0 && <ProblemList problems={scope.problems} />}
      {scope.findings.length > 0 && <FindingList findings={scope.findings} />}
      <SchemaForm schema={schemaOf(props.catalog, scope.type)} value={value} onChange={setValue} skip={["id", "type", "nodes"]} />
      <div className="actions">
        <button className="primary" disabled={!changed} onClick={() => props.onApply(change.set, change.unset)}>
          Apply
        </button>
        <div className="spacer" />
        <button data-testid="ungroup" onClick={props.onUngroup}>
          Ungroup
        </button>
      </div>
    </div>
  );
}

function schemaOf(catalog: NodeTypeCatalog, type: string): JsonSchema {
  const schema = (catalog.schemas[type] ?? {}) as JsonSchema;
  return schema;
}

function strip(spec: Value, also: string[] = []): Value {
  const out: Value = {};
  for (const [k, v] of Object.entries(spec)) if (k !== "id" && k !== "type" && !also.includes(k)) out[k] = v;
  return out;
}
