/**
 * A form generated from a JSON Schema (the loader's zod schema of a node type, as the server sends
 * it): strings, enums as selects, numbers, booleans, nested objects, records as key/value rows, lists
 * as comma-separated text, CEL expressions as code fields; anything else as JSON text.
 */
import { useState, type ReactNode } from "react";

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
};

type Value = Record<string, unknown>;

const CEL = "A CEL expression";
/** Fields every node type has: after the ones that make the type what it is. */
const LAST = ["description", "timeout", "retry", "secret", "runs"];

export function SchemaForm(props: { schema: JsonSchema; value: Value; onChange(value: Value): void; skip?: string[]; testPrefix?: string }) {
  const root = props.schema;
  const properties = Object.entries(resolve(root, root).properties ?? {})
    .filter(([k]) => !(props.skip ?? ["id", "type"]).includes(k))
    .sort(([a], [b]) => LAST.indexOf(a) - LAST.indexOf(b));
  const required = new Set(resolve(root, root).required ?? []);
  return (
    <div className="form">
      {properties.map(([key, schema]) => (
        <Field
          key={key}
          root={root}
          name={key}
          path={`${props.testPrefix ?? "field"}-${key}`}
          schema={resolve(root, schema)}
          required={required.has(key)}
          value={props.value[key]}
          onChange={(v) => props.onChange(setKey(props.value, key, v))}
        />
      ))}
    </div>
  );
}

function Field(props: { root: JsonSchema; name: string; path: string; schema: JsonSchema; required: boolean; value: unknown; onChange(v: unknown): void }) {
  const { schema, path } = props;
  const kind = kindOf(props.root, schema);
  const label = (
    <span className="field-label">
      {props.name}
      {props.required && <span className="req">*</span>}
      {kind === "cel" && <span className="tag">CEL</span>}
    </span>
  );
  const help = schema.description && schema.description !== CEL ? <span className="field-help">{schema.description}</span> : null;
  switch (kind) {
    case "enum":
      return (
        <label className="field">
          {label}
          <select data-testid={path} value={props.value === undefined ? "" : String(props.value)} onChange={(e) => props.onChange(pickEnum(schema, e.target.value))}>
            <option value="">{props.required ? "— choose —" : "— not set —"}</option>
            {(enumOf(props.root, schema) ?? []).map((v) => (
              <option key={String(v)} value={String(v)}>
                {String(v)}
              </option>
            ))}
          </select>
          {help}
        </label>
      );
    case "boolean":
      return (
        <label className="field">
          {label}
          <select
            data-testid={path}
            value={props.value === undefined ? "" : String(props.value)}
            onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value === "true")}
          >
            <option value="">— not set —</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
          {help}
        </label>
      );
    case "number":
      return (
        <label className="field">
          {label}
          <input
            data-testid={path}
            type="number"
            min={schema.minimum}
            max={schema.maximum}
            value={typeof props.value === "number" ? props.value : ""}
            onChange={(e) => props.onChange(e.target.value === "" ? undefined : Number(e.target.value))}
          />
          {help}
        </label>
      );
    case "string":
    case "cel":
      return (
        <label className="field">
          {label}
          <input
            data-testid={path}
            className={kind === "cel" ? "code" : undefined}
            spellCheck={false}
            value={typeof props.value === "string" ? props.value : props.value === undefined ? "" : String(props.value)}
            onChange={(e) => props.onChange(e.target.value === "" ? undefined : e.target.value)}
          />
          {help}
        </label>
      );
    case "list":
      return (
        <label className="field">
          {label}
          <input
            data-testid={path}
            placeholder="comma-separated"
            value={Array.isArray(props.value) ? props.value.map(String).join(", ") : ""}
            onChange={(e) => props.onChange(parseList(e.target.value, resolve(props.root, schema.items ?? {})))}
          />
          {help}
        </label>
      );
    case "object":
      if (!props.required && props.value === undefined)
        return <OptionalObject label={label} path={path} onOpen={() => props.onChange({})} />;
      return (
        <fieldset className="field nested">
          <legend>
            {label}
            {!props.required && (
              <button className="link remove-group" data-testid={`${path}-remove`} onClick={() => props.onChange(undefined)}>
                remove
              </button>
            )}
          </legend>
          <SchemaForm
            schema={{ ...schema, $defs: props.root.$defs, definitions: props.root.definitions }}
            value={isRecord(props.value) ? props.value : {}}
            onChange={(v) => props.onChange(v)}
            testPrefix={path}
          />
          {help}
        </fieldset>
      );
    case "record":
      return (
        <fieldset className="field nested">
          <legend>{label}</legend>
          <KeyValueRows
            path={path}
            cel={kindOf(props.root, resolve(props.root, schema.additionalProperties as JsonSchema)) === "cel"}
            value={isRecord(props.value) ? props.value : {}}
            onChange={props.onChange}
          />
          {help}
        </fieldset>
      );
    default:
      return <JsonField label={label} path={path} value={props.value} onChange={props.onChange} />;
  }
}

/** An optional group of fields (a retry policy, an error) stays folded until it is wanted. */
function OptionalObject(props: { label: ReactNode; path: string; onOpen(): void }) {
  return (
    <div className="field">
      {props.label}
      <button className="link add-group" data-testid={`${props.path}-add`} onClick={props.onOpen}>
        + Set
      </button>
    </div>
  );
}

/** A record as rows of key and value; a value that is not text is written as JSON. */
function KeyValueRows(props: { path: string; cel: boolean; value: Value; onChange(v: Value | undefined): void }) {
  const [rows, setRows] = useState<[string, string][]>(() => Object.entries(props.value).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  const emit = (next: [string, string][]) => {
    setRows(next);
    const out: Value = {};
    for (const [k, v] of next) if (k.trim()) out[k.trim()] = parseLoose(v);
    props.onChange(Object.keys(out).length ? out : undefined);
  };
  return (
    <div className="kv">
      {rows.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input data-testid={`${props.path}-key-${i}`} placeholder="key" value={k} onChange={(e) => emit(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
          <input
            data-testid={`${props.path}-value-${i}`}
            className={props.cel ? "code" : undefined}
            placeholder={props.cel ? "CEL expression" : "value"}
            spellCheck={false}
            value={v}
            onChange={(e) => emit(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
          />
          <button className="icon" title="Remove row" onClick={() => emit(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button className="link" data-testid={`${props.path}-add`} onClick={() => setRows([...rows, ["", ""]])}>
        + Add row
      </button>
    </div>
  );
}

function JsonField(props: { label: ReactNode; path: string; value: unknown; onChange(v: unknown): void }) {
  const [text, setText] = useState(() => (props.value === undefined ? "" : JSON.stringify(props.value)));
  const [bad, setBad] = useState(false);
  return (
    <label className="field">
      {props.label}
      <input
        data-testid={props.path}
        className={bad ? "code bad" : "code"}
        placeholder="JSON"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setBad(false);
            props.onChange(undefined);
            return;
          }
          try {
            props.onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
    </label>
  );
}

type Kind = "enum" | "boolean" | "number" | "string" | "cel" | "list" | "object" | "record" | "json";

function kindOf(root: JsonSchema, raw: JsonSchema): Kind {
  const schema = resolve(root, raw);
  if (enumOf(root, schema)) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "boolean") return "boolean";
  if (type === "integer" || type === "number") return "number";
  if (type === "string") return schema.description === CEL ? "cel" : "string";
  if (type === "array") {
    const items = resolve(root, schema.items ?? {});
    const inner = kindOf(root, items);
    return inner === "string" || inner === "cel" || inner === "enum" || inner === "number" ? "list" : "json";
  }
  if (type === "object") {
    if (schema.properties && Object.keys(schema.properties).length) return "object";
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      const inner = kindOf(root, schema.additionalProperties);
      return inner === "string" || inner === "cel" || inner === "json" ? "record" : "json";
    }
  }
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const kinds = union.map((s) => kindOf(root, s));
    if (kinds.every((k) => k === "cel" || k === "string")) return kinds.includes("cel") ? "cel" : "string";
  }
  return "json";
}

function enumOf(root: JsonSchema, raw: JsonSchema): unknown[] | null {
  const schema = resolve(root, raw);
  if (schema.enum) return schema.enum;
  const union = schema.anyOf ?? schema.oneOf;
  if (union && union.every((s) => resolve(root, s).const !== undefined)) return union.map((s) => resolve(root, s).const);
  return null;
}

function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; i < 10 && s.$ref; i++) {
    const name = s.$ref.split("/").pop() ?? "";
    const target = root.$defs?.[name] ?? root.definitions?.[name];
    if (!target) break;
    s = { ...target, ...(s.description ? { description: s.description } : {}) };
  }
  return s;
}

function pickEnum(schema: JsonSchema, text: string): unknown {
  if (text === "") return undefined;
  const match = (schema.enum ?? (schema.anyOf ?? []).map((s) => s.const)).find((v) => String(v) === text);
  return match ?? text;
}

function parseList(text: string, items: JsonSchema): unknown[] | undefined {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  const numeric = items.type === "integer" || items.type === "number";
  return parts.map((p) => (numeric && !Number.isNaN(Number(p)) ? Number(p) : p));
}

function parseLoose(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

function isRecord(v: unknown): v is Value {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function setKey(value: Value, key: string, v: unknown): Value {
  const next = { ...value };
  if (v === undefined) delete next[key];
  else next[key] = v;
  return next;
}

/** What a configure edit sends: fields that differ from the node as written, and fields removed. */
export function diffSpec(before: Value, after: Value, fixed: string[] = ["id", "type"]): { set: Value; unset: string[] } {
  const set: Value = {};
  const unset: string[] = [];
  for (const [k, v] of Object.entries(after)) if (!fixed.includes(k) && JSON.stringify(v) !== JSON.stringify(before[k])) set[k] = v;
  for (const k of Object.keys(before)) if (!fixed.includes(k) && !(k in after)) unset.push(k);
  return { set, unset };
}
