/**
 * The shape of an Edit as it arrives over HTTP: every field the operation reads, with the type it must
 * have, so a malformed request is refused with the field's name instead of failing half-way.
 */
import { EditError } from "./edits";
import type { Edit } from "./protocol";

type Check = (value: unknown) => boolean;

const string: Check = (v) => typeof v === "string" && v !== "";
const strings: Check = (v) => Array.isArray(v) && v.every(string);
const object: Check = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const objects: Check = (v) => Array.isArray(v) && v.every(object);
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const label: Check = (v) => ["string", "number", "boolean"].includes(typeof v);

const FIELDS: Record<Edit["op"], Record<string, [Check, string]>> = {
  addNode: {
    tool: [string, "a tool's name"],
    node: [(v) => object(v) && string((v as { type?: unknown }).type), "an object with a `type`"],
  },
  removeNodes: { tool: [string, "a tool's name"], ids: [strings, "a list of node ids"] },
  connect: {
    tool: [string, "a tool's name"],
    from: [string, "a node id"],
    to: [string, "a node id"],
    when: [optional(label), "a string, number or boolean"],
  },
  disconnect: { tool: [string, "a tool's name"], from: [string, "a node id"], to: [string, "a node id"] },
  configure: {
    tool: [string, "a tool's name"],
    id: [string, "a node id"],
    set: [optional(object), "an object of fields"],
    unset: [optional(strings), "a list of field names"],
  },
  group: {
    tool: [string, "a tool's name"],
    ids: [strings, "a list of node ids"],
    scope: [(v) => v === "transaction" || v === "retry", "transaction or retry"],
    id: [optional(string), "a node id"],
  },
  ungroup: { tool: [string, "a tool's name"], id: [string, "a scope's id"] },
  paste: {
    tool: [string, "a tool's name"],
    nodes: [objects, "a list of node objects"],
    edges: [
      (v) => objects(v) && (v as Record<string, unknown>[]).every((e) => string(e.from) && string(e.to)),
      "a list of { from, to } edges",
    ],
  },
  setText: { file: [string, "a file's path relative to the app's folder"], text: [(v) => typeof v === "string", "the file's whole text"] },
};

/** The edit, checked; an EditError naming the first field that is missing or of the wrong type. */
export function checkEditShape(body: unknown): Edit {
  if (!object(body)) throw new EditError("the request body must be an Edit object");
  const op = (body as { op?: unknown }).op;
  const fields = typeof op === "string" && Object.hasOwn(FIELDS, op) ? FIELDS[op as Edit["op"]] : undefined;
  if (!fields) throw new EditError(`op: unknown edit "${String(op)}" (one of ${Object.keys(FIELDS).join(", ")})`);
  for (const [name, [check, expected]] of Object.entries(fields)) {
    if (!check((body as Record<string, unknown>)[name])) throw new EditError(`${name}: expected ${expected}`);
  }
  return body as Edit;
}
