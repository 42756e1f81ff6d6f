/**
 * The assistant's loop through the real SDK clients against the scripted model server, for both
 * protocols, whole and streamed: what it proposes is what the loader, compiler and Risk Engine
 * judged, problems go back to the model for repair, and the rounds are bounded.
 */
import { createAssistant } from "../../assistant/assistant";
import { judge } from "../../assistant/judge";
import { startModelServer, type ModelServer } from "../support/model-server";
import {
  clientFor,
  CREATE_INVOICE,
  CREATE_INVOICE_RED,
  exampleApp,
  INVOICE,
  INVOICE_BROKEN,
  INVOICE_DOCS,
  PROTOCOLS,
  propose,
  SECRET_KEY,
} from "./fixtures";

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());
beforeEach(() => server.requests.splice(0));

describe.each(PROTOCOLS)("$protocol (stream: $stream)", ({ protocol, stream }) => {
  test("a valid new entity and tool: a valid proposal with the compiler's diff and the Risk Engine's levels", async () => {
    const app = exampleApp();
    server.setScript([
      { reply: { toolCalls: [{ name: "read_app", input: {} }] } },
      { reply: { text: "Let me add it.", toolCalls: [{ name: "propose", input: { documents: INVOICE_DOCS } }] } },
      { reply: { text: "I added an Invoice entity and a createInvoice tool." } },
    ]);
    const turn = await createAssistant({ model: clientFor(server, protocol, stream) }).ask("Add invoices", app);
    expect(turn.reply).toBe("I added an Invoice entity and a createInvoice tool.");
    const proposal = turn.proposal!;
    expect(proposal.status).toBe("valid");
    expect(proposal.rounds).toBe(1);
    expect(proposal.documents.map((d) => [d.file, d.kind, d.name, d.action, d.state])).toEqual([
      ["entities/invoice.yaml", "Entity", "Invoice", "create", "pending"],
      ["tools/create-invoice.yaml", "Tool", "createInvoice", "create", "pending"],
    ]);
    expect(proposal.documents[0]!.after).toBe(INVOICE);
    expect(proposal.documents[0]!.diff).toContain("+name: Invoice");
    // The risk shown is the Risk Engine's on the same files.
    const expected = judge(app, new Map([...app, ["entities/invoice.yaml", INVOICE], ["tools/create-invoice.yaml", CREATE_INVOICE]]));
    expect(proposal.risk).toEqual(expected.risk);
    expect(proposal.risk.tools).toEqual([{ tool: "createInvoice", before: null, after: "green" }]);
    expect(proposal.risk.migration.map((s) => s.level)).toContain("green");
    expect(proposal.risk.migration.some((s) => /invoice/i.test(s.summary))).toBe(true);
    // The read tool's answer reached the model.
    expect(server.requests[1]!.raw.includes("tools/create-room.yaml#0")).toBe(true);
    // The key travelled in the auth header only (the SDKs' choice of header: Authorization or x-api-key).
    for (const r of server.requests) {
      expect(r.raw.includes(SECRET_KEY)).toBe(false);
      const carrying = Object.entries(r.headers).filter(([, value]) => String(value).includes(SECRET_KEY));
      expect(carrying.map(([name]) => name)).toHaveLength(1);
      expect(["authorization", "x-api-key"]).toContain(carrying[0]![0]);
    }
    expect(app.has("entities/invoice.yaml")).toBe(false);
  });

  test("invalid YAML is repaired after the loader's diagnostics are sent back", async () => {
    server.setScript([
      propose({ ...INVOICE_DOCS[0]!, yaml: INVOICE_BROKEN }, INVOICE_DOCS[1]!),
      propose(INVOICE_DOCS[0]!),
      { reply: { text: "Fixed the entity." } },
    ]);
    const turn = await createAssistant({ model: clientFor(server, protocol, stream) }).ask("Add invoices", exampleApp());
    expect(turn.proposal?.status).toBe("valid");
    expect(turn.proposal?.rounds).toBe(2);
    expect(turn.proposal?.documents.map((d) => d.name)).toEqual(["Invoice", "createInvoice"]);
    expect(turn.proposal?.documents[0]!.after).toBe(INVOICE);
    expect(server.requests[1]!.raw.match(/entities\/invoice\.yaml:\d+: FS002[^"]*/)?.[0]).toBeDefined();
  });

  test("a Red tool is repaired after the Risk Engine's findings are sent back", async () => {
    server.setScript([
      propose(INVOICE_DOCS[0]!, { ...INVOICE_DOCS[1]!, yaml: CREATE_INVOICE_RED }),
      propose(INVOICE_DOCS[1]!),
      { reply: { text: "Wrapped the write in a transaction." } },
    ]);
    const turn = await createAssistant({ model: clientFor(server, protocol, stream) }).ask("Add invoices", exampleApp());
    expect(turn.proposal?.status).toBe("valid");
    expect(turn.proposal?.documents[1]!.after).toBe(CREATE_INVOICE);
    const sent = server.requests[1]!.raw;
    expect(sent.includes("R001 (red) at node invoice")).toBe(true);
    expect(sent.includes("Hint: list the node")).toBe(true);
  });

  test("a model that never repairs: failed after the bounded rounds, with the reasons, nothing offered", async () => {
    const red = propose(INVOICE_DOCS[0]!, { ...INVOICE_DOCS[1]!, yaml: CREATE_INVOICE_RED });
    server.setScript([red, red, red, { reply: { text: "unused" } }]);
    const turn = await createAssistant({ model: clientFor(server, protocol, stream), rounds: 3 }).ask("Add invoices", exampleApp());
    expect(server.requests).toHaveLength(3);
    expect(turn.proposal?.status).toBe("failed");
    expect(turn.proposal?.rounds).toBe(3);
    expect(turn.proposal?.failure).toMatch(/not repaired in 3 rounds: tool createInvoice is Red/);
    expect(turn.reply).toBe("I could not make a valid proposal: tool createInvoice is Red (blocked by the Risk Engine).");
    expect(turn.proposal?.documents).toEqual([]);
    expect(turn.proposal?.diagnostics.map((d) => d.message).join("\n")).toContain("R001");
  });
});

describe("bounds and history (openai, streamed)", () => {
  test("a model that only reads stops after the reading budget, with no proposal", async () => {
    server.setScript(Array.from({ length: 20 }, () => ({ reply: { toolCalls: [{ name: "read_app", input: {} }] } })));
    const turn = await createAssistant({ model: clientFor(server, "openai", true), rounds: 1, readingCalls: 2 }).ask(
      "look around",
      exampleApp(),
    );
    expect(server.requests).toHaveLength(3);
    expect(turn).toEqual({ reply: "The model stopped without answering (it used its 3 calls)." });
  });

  test("the conversation so far goes to the model before the new question", async () => {
    server.setScript([{ reply: { text: "yes" } }]);
    const history = [
      { role: "user" as const, text: "Add invoices" },
      { role: "assistant" as const, text: "Added them." },
    ];
    await createAssistant({ model: clientFor(server, "openai", false) }).ask("Are they green?", exampleApp(), history);
    const messages = server.requests[0]!.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => [m.role, m.role === "system" ? "…" : m.content])).toEqual([
      ["system", "…"],
      ["user", "Add invoices"],
      ["assistant", "Added them."],
      ["user", "Are they green?"],
    ]);
  });
});
