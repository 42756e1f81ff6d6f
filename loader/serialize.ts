/**
 * Validated specs back to YAML text: what `fascia` writes when it generates or rewrites specs, and
 * what the round-trip property test relies on (load → serialize → load gives the same specs).
 */
import { Document, isMap, isPair, isScalar, isSeq, Scalar } from "yaml";
import type { SpecDocument } from "../language/document";
import type { FlowNodeSpec } from "../language/nodes";
import type { ToolSpec } from "../language/tool";
import type { Located, SpecSet } from "./model";

/**
 * No line folding (a CEL expression stays on one line, so its error positions stay exact) and no
 * anchors for repeated objects (specs are read by people; `*a1` would only puzzle them).
 */
const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

/** Collections of scalars up to this many characters are written on one line, `{ type: date }`. */
const FLOW_LIMIT = 80;

/** One spec document as YAML, keys in the order of the language's schema. */
export function serializeSpec(spec: SpecDocument): string {
  const doc = new Document(spec.kind === "Tool" ? nodesIdFirst(spec) : spec, YAML_OPTIONS);
  useFlowForShortLeaves(doc.contents);
  return doc.toString(YAML_OPTIONS);
}

/**
 * Bottom-up: a collection goes on one line when its items are single-line scalars or collections
 * already on one line, and the whole fits in FLOW_LIMIT characters.
 */
function useFlowForShortLeaves(node: unknown): boolean {
  if (isScalar(node)) {
    if (typeof node.value === "string" && blockStyleIsFragile(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    return !String(node.value).includes("\n");
  }
  if (!isMap(node) && !isSeq(node)) return false;
  const items: unknown[] = node.items.map((item) => (isPair(item) ? item.value : item));
  let simple = true;
  for (const item of items) simple = useFlowForShortLeaves(item) && simple;
  node.flow = simple && JSON.stringify(node.toJSON()).length <= FLOW_LIMIT;
  return node.flow;
}

/**
 * Multi-line text that a block scalar would not carry safely, so it is written double-quoted: a
 * line of only spaces or tabs reads back empty or turns the scalar into `|+` (the yaml library
 * writes them anyway, eemeli/yaml#692), and `|+` (blank lines at the end) takes in any blank line
 * an editor adds before the next `---`.
 */
function blockStyleIsFragile(text: string): boolean {
  return text.includes("\n") && (text.split("\n").some((line) => /^[ \t]+$/.test(line)) || text.endsWith("\n\n") || text.trim() === "");
}

/** The schema puts shared keys (timeout, retry) before `type`; readers look for `id` and `type` first. */
function nodesIdFirst(tool: ToolSpec): ToolSpec {
  const nodes = tool.flow.nodes.map(({ id, type, ...rest }) => ({ id, type, ...rest }) as FlowNodeSpec);
  return { ...tool, flow: { ...tool.flow, nodes } };
}

/** Every spec as one multi-document YAML text: entities, then policies, then tools, each by name. */
export function serializeSpecs(specs: SpecSet): string {
  const documents: SpecDocument[] = [...byName(specs.entities), ...byName(specs.policies), ...byName(specs.tools)];
  return documents.map(serializeSpec).join("---\n");
}

/** Sorted by code point, not locale, so the text is the same on every machine. */
function byName<T extends SpecDocument>(table: ReadonlyMap<string, Located<T>>): T[] {
  return [...table.values()].map((entry) => entry.spec).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
