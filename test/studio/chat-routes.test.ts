/**
 * The chat's routes over real HTTP, with a scripted stand-in for the assistant engine: a turn over the
 * studio's texts, one at a time; an accepted document replaces that document's text only, as one step
 * of undo (and is pending again once undone); a document whose file changed since is refused; a failed
 * proposal offers nothing; without a model the answer says how to configure one; the key never appears.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AcceptAnswer, AssistantTurn, ChangeAnswer, ChatView, ProposalAnswer, SaveAnswer } from "../../studio/protocol";
import { ModelError, modelSettings } from "../../assistant";
import { studioAssistant } from "../../studio/chat/assistant";
import { startStudio, type Studio, type StudioOptions } from "../../studio/server";
import { startModelServer } from "../support/model-server";
import { proposal, proposedDocument, scriptedAssistant, type ScriptedTurn } from "./support/scripted-assistant";

const EXAMPLE = join(__dirname, "../../examples/reservations");
const KEY = "sk-test-0123456789abcdef";
const ROOM = "tools/create-room.yaml";
const POLICIES = "policies.yaml";
const GUEST = "entities/guest.yaml";
const GUEST_YAML = "kind: Entity\nname: Guest\nfields:\n  name: { type: string, maxLength: 100 }\n";
const NOT_SUSPENDED =
  'kind: Policy\nname: notSuspended\nrule: "!(\'suspended\' in caller.roles)"\nmessage: "suspended accounts may not change reservations"\n';

let root: string;
const studios: Studio[] = [];
/** Every body any route answered: none may carry the key. */
const bodies: string[] = [];

async function start(turns?: ScriptedTurn[] | StudioOptions["assistant"]): Promise<{ studio: Studio; dir: string }> {
  const dir = join(mkdtempSync(join(root, "app-")), "app");
  cpSync(EXAMPLE, dir, { recursive: true, filter: (source) => !source.includes(".fascia") });
  const assistant = Array.isArray(turns) ? scriptedAssistant(turns, KEY) : turns;
  const studio = await startStudio({ dir, port: 0, assetsDir: root, ...(assistant ? { assistant } : {}) });
  studios.push(studio);
  return { studio, dir };
}

async function request<T>(studio: Studio, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; answer: T }> {
  const response = await fetch(studio.url + path, {
    method,
    ...(method === "POST" ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) } : {}),
  });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, answer: JSON.parse(text) as T };
}

const documentRoute = (p: string, d: string, action: "accept" | "reject") =>
  `/api/chat/proposals/${encodeURIComponent(p)}/documents/${encodeURIComponent(d)}/${action}`;

/** One proposal: a new entity in a new file, the second policy of policies.yaml reworded, and createRoom's description changed. */
const threeDocuments: ScriptedTurn = (files) => ({
  reply: "Here is a Guest entity, a clearer policy message and a shorter description.",
  proposal: proposal("p1", [
    proposedDocument(files, { id: "d1", file: GUEST, docIndex: 0, kind: "Entity", name: "Guest", after: GUEST_YAML }),
    proposedDocument(files, { id: "d2", file: POLICIES, docIndex: 1, kind: "Policy", name: "notSuspended", after: NOT_SUSPENDED }),
    proposedDocument(files, {
      id: "d3",
      file: ROOM,
      docIndex: 0,
      kind: "Tool",
      name: "createRoom",
      after: files.get(ROOM)!.replace("Add a bookable room (staff only)", "Add a room"),
    }),
  ]),
});

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "fascia-chat-routes-"));
});

afterAll(async () => {
  await Promise.all(studios.map((s) => s.close()));
  rmSync(root, { recursive: true, force: true });
  // The key was handed to the stand-in's client and scrubbed from what it reported: no answer carried it.
  expect(bodies.filter((b) => b.includes(KEY))).toEqual([]);
});

describe("the chat's routes", () => {
  it("without a model: says so, and a message is refused with how to configure one", async () => {
    const { studio } = await start();
    expect((await request<ChatView>(studio, "GET", "/api/chat")).answer).toEqual({
      configured: false,
      thinking: false,
      messages: [],
      proposals: [],
    });
    const { status, answer } = await request<{ error: string }>(studio, "POST", "/api/chat/messages", { text: "add a guest" });
    expect(status).toBe(400);
    expect(answer.error).toMatch(/no model is configured: .*FASCIA_MODEL_PROVIDER.*FASCIA_MODEL\b.*docs\/chat\.md/);
  });

  it("a turn runs over the studio's texts, unsaved edits included, and the conversation keeps it", async () => {
    const seen: Map<string, string>[] = [];
    const { studio } = await start([(files) => (seen.push(files), { reply: "Nothing to change." }), threeDocuments]);
    const edited = "kind: Entity\nname: Note\nfields:\n  text: { type: string, maxLength: 10 }\n";
    await request<ChangeAnswer>(studio, "POST", "/api/edit", { op: "setText", file: "entities/note.yaml", text: edited });
    expect((await request<AssistantTurn>(studio, "POST", "/api/chat/messages", { text: "anything?" })).answer).toEqual({
      reply: "Nothing to change.",
    });
    expect(seen[0]!.get("entities/note.yaml")).toBe(edited);
    const turn = await request<AssistantTurn>(studio, "POST", "/api/chat/messages", { text: "add a guest" });
    expect(turn.status).toBe(200);
    expect(turn.answer.proposal?.documents.map((d) => [d.id, d.action, d.state])).toEqual([
      ["d1", "create", "pending"],
      ["d2", "update", "pending"],
      ["d3", "update", "pending"],
    ]);
    const view = (await request<ChatView>(studio, "GET", "/api/chat")).answer;
    expect(view).toMatchObject({ configured: true, provider: "openai", model: "scripted-model", thinking: false });
    expect(view.messages).toEqual([
      { role: "user", text: "anything?" },
      { role: "assistant", text: "Nothing to change." },
      { role: "user", text: "add a guest" },
      { role: "assistant", text: turn.answer.reply, proposalId: "p1" },
    ]);
    expect(view.proposals.map((p) => p.id)).toEqual(["p1"]);
  });

  it("one turn at a time: a second message while one runs is 409", async () => {
    let finish: (turn: AssistantTurn) => void = () => undefined;
    const { studio } = await start([() => new Promise<AssistantTurn>((resolve) => (finish = resolve)), () => ({ reply: "second" })]);
    const first = request<AssistantTurn>(studio, "POST", "/api/chat/messages", { text: "one" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await request<ChatView>(studio, "GET", "/api/chat")).answer.thinking).toBe(true);
    const second = await request<{ error: string }>(studio, "POST", "/api/chat/messages", { text: "two" });
    expect(second).toEqual({ status: 409, answer: { error: expect.stringMatching(/still answering/) } });
    finish({ reply: "first" });
    expect((await first).answer).toEqual({ reply: "first" });
    expect((await request<AssistantTurn>(studio, "POST", "/api/chat/messages", { text: "two" })).answer).toEqual({ reply: "second" });
  });

  it("accepting replaces that document only, as one step of undo; undo makes it pending again; Save writes it", async () => {
    const { studio, dir } = await start([threeDocuments]);
    const policies = readFileSync(join(dir, POLICIES), "utf8");
    await request(studio, "POST", "/api/chat/messages", { text: "add a guest" });

    const accepted = await request<AcceptAnswer>(studio, "POST", documentRoute("p1", "d2", "accept"));
    expect(accepted.status).toBe(200);
    expect(accepted.answer.files).toEqual([POLICIES]);
    expect(accepted.answer.summary.edits).toMatchObject({ dirty: [POLICIES], undo: 1 });
    expect(accepted.answer.summary.problems).toEqual([]);
    expect(accepted.answer.proposal.documents.map((d) => d.state)).toEqual(["pending", "accepted", "pending"]);
    // The first document and the `---` line keep their bytes; only the second document is the proposal's.
    const [first] = policies.split("---\n");
    const expected = `${first}---\n${NOT_SUSPENDED}`;

    const rejected = await request<ProposalAnswer>(studio, "POST", documentRoute("p1", "d3", "reject"));
    expect(rejected.answer.proposal.documents.map((d) => d.state)).toEqual(["pending", "accepted", "rejected"]);
    expect((await request<{ error: string }>(studio, "POST", documentRoute("p1", "d3", "accept"))).status).toBe(409);
    expect((await request<{ error: string }>(studio, "POST", documentRoute("p1", "d2", "reject"))).status).toBe(409);

    await request<SaveAnswer>(studio, "POST", "/api/save");
    expect(readFileSync(join(dir, POLICIES), "utf8")).toBe(expected);

    const undone = await request<ChangeAnswer>(studio, "POST", "/api/undo");
    expect(undone.answer.summary.edits).toMatchObject({ dirty: [POLICIES], undo: 0 });
    expect((await request<ChatView>(studio, "GET", "/api/chat")).answer.proposals[0]!.documents.map((d) => d.state)).toEqual([
      "pending",
      "pending",
      "rejected",
    ]);
    await request<SaveAnswer>(studio, "POST", "/api/save");
    expect(readFileSync(join(dir, POLICIES), "utf8")).toBe(policies);
    await request<ChangeAnswer>(studio, "POST", "/api/redo");
    expect((await request<ChatView>(studio, "GET", "/api/chat")).answer.proposals[0]!.documents[1]!.state).toBe("accepted");

    // A new file: created in memory, written by Save.
    const created = await request<AcceptAnswer>(studio, "POST", documentRoute("p1", "d1", "accept"));
    expect(created.answer.summary.entities.map((e) => e.name)).toContain("Guest");
    expect(existsSync(join(dir, GUEST))).toBe(false);
    await request<SaveAnswer>(studio, "POST", "/api/save");
    expect(readFileSync(join(dir, GUEST), "utf8")).toBe(GUEST_YAML);
  });

  it("a document whose file changed since the proposal is refused (409), and nothing changes", async () => {
    const { studio } = await start([threeDocuments]);
    await request(studio, "POST", "/api/chat/messages", { text: "add a guest" });
    await request<ChangeAnswer>(studio, "POST", "/api/edit", {
      op: "configure",
      tool: "createRoom",
      id: "room",
      set: { description: "mine" },
    });
    const before = (await request<{ yaml: string }>(studio, "GET", "/api/tools/createRoom")).answer.yaml;
    const refused = await request<{ error: string }>(studio, "POST", documentRoute("p1", "d3", "accept"));
    expect(refused).toEqual({
      status: 409,
      answer: { error: `${ROOM} changed since the proposal was made: it was not accepted; ask the assistant again` },
    });
    expect((await request<{ yaml: string }>(studio, "GET", "/api/tools/createRoom")).answer.yaml).toBe(before);
    expect((await request<{ edits: { undo: number } }>(studio, "GET", "/api/app")).answer.edits.undo).toBe(1);
    // A new file someone else created meanwhile is a change too.
    await request<ChangeAnswer>(studio, "POST", "/api/edit", {
      op: "setText",
      file: GUEST,
      text: "kind: Entity\nname: Guest\nfields: {}\n",
    });
    expect((await request(studio, "POST", documentRoute("p1", "d1", "accept"))).status).toBe(409);
  });

  it("a failed proposal offers nothing to accept; an unknown one is 404", async () => {
    const { studio } = await start([
      (files) => ({
        reply: "I could not make it valid.",
        proposal: proposal(
          "p9",
          [proposedDocument(files, { id: "d1", file: GUEST, docIndex: 0, kind: "Entity", name: "Guest", after: "kind: Entity\n" })],
          {
            status: "failed",
            rounds: 3,
            failure: "still invalid after 3 rounds",
            diagnostics: [{ file: GUEST, line: 1, path: "name", code: "FS002", message: "missing name" }],
          },
        ),
      }),
    ]);
    await request(studio, "POST", "/api/chat/messages", { text: "add a guest" });
    const refused = await request<{ error: string }>(studio, "POST", documentRoute("p9", "d1", "accept"));
    expect(refused.status).toBe(409);
    expect(refused.answer.error).toMatch(/failed its checks/);
    expect((await request(studio, "POST", documentRoute("nope", "d1", "accept"))).status).toBe(404);
    expect((await request(studio, "POST", documentRoute("p9", "nope", "reject"))).status).toBe(404);
  });

  it("a model that fails is 502 with its reason, the key scrubbed, and the conversation unchanged", async () => {
    const { studio } = await start([
      () => {
        throw new ModelError(`openai answered 401: Incorrect API key provided: ${KEY}`, 401);
      },
    ]);
    const failed = await request<{ error: string }>(studio, "POST", "/api/chat/messages", { text: "add a guest" });
    expect(failed).toEqual({
      status: 502,
      answer: { error: "the model did not answer: openai answered 401: Incorrect API key provided: [redacted]" },
    });
    expect((await request<ChatView>(studio, "GET", "/api/chat")).answer).toMatchObject({ messages: [], thinking: false });
    expect((await request(studio, "POST", "/api/chat/messages", { text: " " })).status).toBe(400);
  });

  it("through the real engine and a scripted model: the proposal is accepted as judged; a stream cut mid-answer is 502; the key is in no answer", async () => {
    const model = await startModelServer();
    try {
      const settings = modelSettings({ provider: "openai", model: "scripted", baseUrl: `${model.url}/v1` }, { OPENAI_API_KEY: KEY });
      const { studio, dir } = await start(studioAssistant(settings));
      model.setScript([
        {
          reply: {
            toolCalls: [{ name: "propose", input: { documents: [{ file: GUEST, kind: "Entity", name: "Guest", yaml: GUEST_YAML }] } }],
          },
        },
        { reply: { text: "Added a Guest." } },
        { fault: "cut" },
      ]);
      const turn = await request<AssistantTurn>(studio, "POST", "/api/chat/messages", { text: "add a guest" });
      expect(turn.answer.reply).toBe("Added a Guest.");
      const proposed = turn.answer.proposal!;
      expect(proposed.status).toBe("valid");
      const accepted = await request<AcceptAnswer>(studio, "POST", documentRoute(proposed.id, proposed.documents[0]!.id, "accept"));
      expect(accepted.answer.summary.edits.dirty).toEqual([GUEST]);
      await request<SaveAnswer>(studio, "POST", "/api/save");
      expect(readFileSync(join(dir, GUEST), "utf8")).toBe(GUEST_YAML);
      const cut = await request<{ error: string }>(studio, "POST", "/api/chat/messages", { text: "and a tool" });
      expect(cut.status).toBe(502);
      expect(cut.answer.error).toMatch(/^the model did not answer: /);
      // The key went to the model server in its auth header only.
      expect(model.requests.some((r) => r.raw.includes(KEY))).toBe(false);
    } finally {
      await model.close();
    }
  });
});
