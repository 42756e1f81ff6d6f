/**
 * The property of issue 15: random edit sequences applied through the studio's edit operations (and
 * undo/redo); after each sequence, the saved YAML loaded by the loader gives the nodes, edges and
 * scopes the studio's ToolView shows, and every file and document no edit touched is byte-identical.
 * One file of the copy holds two tools, so "untouched" is checked per document as well as per file.
 */
import fc from "fast-check";
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSpecSources } from "../../loader/load";
import { indexFile } from "../../studio/app-index";
import { AppDocuments } from "../../studio/documents";
import { EditError } from "../../studio/edits";
import type { Edit, ToolView } from "../../studio/protocol";
import { StudioSession } from "../../studio/session";
import { writtenFlow } from "../../studio/views/tool";

const EXAMPLE = join(__dirname, "../../examples/reservations");
const PAIR = "tools/pair.yaml";
const TOOLS = ["createReservation", "cancelReservation", "createRoom", "registerCustomer"];
const TYPES = ["read", "write", "sql", "transform", "if", "switch", "assert", "policyCheck", "payment", "email", "http"];

/** The example, with create-room and register-customer moved into one two-document file. */
function copyOfExample(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "fascia-studio-prop-")), "app");
  cpSync(EXAMPLE, dir, { recursive: true });
  const room = readFileSync(join(dir, "tools/create-room.yaml"), "utf8");
  const customer = readFileSync(join(dir, "tools/register-customer.yaml"), "utf8");
  unlinkSync(join(dir, "tools/create-room.yaml"));
  unlinkSync(join(dir, "tools/register-customer.yaml"));
  writeFileSync(join(dir, PAIR), `${room}---\n${customer}`);
  return dir;
}

/** An edit described by small numbers, turned into a real Edit against the tool as it stands. */
const step = fc.record({
  op: fc.constantFrom("addNode", "removeNodes", "connect", "disconnect", "configure", "group", "ungroup", "paste", "undo", "redo"),
  tool: fc.nat(TOOLS.length - 1),
  a: fc.nat(20),
  b: fc.nat(20),
  flag: fc.boolean(),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function toEdit(s: Step, view: ToolView): Edit | "undo" | "redo" {
  const tool = view.name;
  const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
  const nodes = view.nodes.map((n) => n.id);
  const node = pick(nodes, s.a) ?? "missing";
  switch (s.op) {
    case "undo":
    case "redo":
      return s.op;
    case "addNode":
      return { op: "addNode", tool, node: { type: pick(TYPES, s.a)! } };
    case "removeNodes":
      return { op: "removeNodes", tool, ids: [node] };
    case "connect":
      return { op: "connect", tool, from: node, to: pick(nodes, s.b) ?? "missing", ...(s.flag ? { when: true } : {}) };
    case "disconnect": {
      const edge = pick(view.edges, s.a);
      return { op: "disconnect", tool, from: edge?.from ?? "missing", to: edge?.to ?? "missing" };
    }
    case "configure":
      return s.flag
        ? { op: "configure", tool, id: node, set: { description: `note ${s.b}: "quoted", #not a comment`, timeout: `${s.b + 1}s` } }
        : { op: "configure", tool, id: node, unset: ["description", "timeout"] };
    case "group":
      return { op: "group", tool, ids: [...new Set([node, pick(nodes, s.a + 1)!])], scope: s.flag ? "retry" : "transaction" };
    case "ungroup":
      return { op: "ungroup", tool, id: pick(view.scopes, s.a)?.id ?? "missing" };
    case "paste": {
      const copied = view.nodes.filter((n) => n.id === node || n.id === pick(nodes, s.b));
      const ids = new Set(copied.map((n) => n.id));
      return { op: "paste", tool, nodes: copied.map((n) => n.spec), edges: view.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
    }
    default:
      throw new Error(`unknown step ${s.op}`);
  }
}

/** The flow as the loader sees it in the saved files: loaded specs when valid, else the written YAML. */
function shape(flow: { nodes?: unknown; edges?: unknown } | undefined) {
  const { nodes, scopes, edges } = writtenFlow(flow);
  return { nodes: nodes.map((n) => ({ ...n })), scopes: scopes.map((n) => ({ ...n })), edges };
}

describe("random edit sequences through the studio", () => {
  it("save YAML that loads to what the studio shows, and leave untouched files and documents byte-identical", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => {
        const dir = copyOfExample();
        try {
          const session = new StudioSession(AppDocuments.read(dir));
          const original = new Map(session.app.files().map((f) => [f, session.app.text(f)]));
          const pairDocs = original.get(PAIR)!.split("\n---\n");
          for (const s of steps) {
            const view = session.tool(TOOLS[s.tool]!)!;
            const edit = toEdit(s, view);
            try {
              if (edit === "undo") session.undo();
              else if (edit === "redo") session.redo();
              else session.edit(edit);
            } catch (error) {
              if (!(error instanceof EditError)) throw error;
            }
          }
          session.save();

          const saved = session.app.files().map((file) => ({ file, text: readFileSync(join(dir, file), "utf8") }));
          const loaded = loadSpecSources(saved);
          for (const name of TOOLS) {
            const view = session.tool(name)!;
            const spec = loaded.specs.tools.get(name);
            const shown = { nodes: view.nodes.map((n) => n.spec), scopes: view.scopes.map((s) => s.spec), edges: view.edges };
            // Valid: the loader's specs; refused by the schema: the YAML as written, which the view then draws.
            const written = indexFile(view.file, saved.find((s) => s.file === view.file)!.text).find((d) => d.name === name);
            expect(shown).toEqual(shape((spec?.spec.flow ?? written?.value.flow) as { nodes?: unknown; edges?: unknown } | undefined));
            expect(view.yaml).toBe(saved.find((s) => s.file === view.file)!.text);
          }
          // Files no edit could reach are exactly as they were.
          for (const { file, text } of saved)
            if (!file.startsWith("tools/") || !/create-reservation|cancel-reservation|pair/.test(file))
              expect(text).toBe(original.get(file));
          // In the two-tool file, a document whose tool no step targeted keeps its bytes.
          const touched = new Set(steps.map((s) => TOOLS[s.tool]));
          const pair = saved.find((s) => s.file === PAIR)!.text.split("\n---\n");
          if (!touched.has("createRoom")) expect(pair[0]).toBe(pairDocs[0]);
          if (!touched.has("registerCustomer")) expect(pair[1]).toBe(pairDocs[1]);
          if (touched.size === 0) expect(saved.map((s) => s.text)).toEqual([...original.values()]);
        } finally {
          rmSync(join(dir, ".."), { recursive: true, force: true });
        }
      }),
      { numRuns: 12 },
    );
  });
});
