/**
 * The studio's chat: the conversation, the proposals it produced and what the person did with each
 * document (accepted, rejected). A turn runs over the studio's in-memory texts, unsaved edits
 * included, one at a time. Accepting a document replaces that document's text only, through the
 * session, so the app is re-checked and the acceptance is one step of undo; saving stays the
 * studio's Save. Nothing here runs what the assistant proposes: it reads and replaces text.
 */
import { applyProposedDocument, findDocument, ModelError, redact } from "../../assistant";
import type { AssistantTurn, ChatMessage, Proposal, ProposedDocument } from "../../assistant/proposal";
import type { ChatView, ProposalAnswer, AcceptAnswer } from "../protocol";
import type { StudioSession } from "../session";
import type { StudioAssistant } from "./assistant";

/** A refused chat request: answered with its status and message. */
export class ChatRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const NOT_CONFIGURED =
  "no model is configured: start the studio with FASCIA_MODEL_PROVIDER (openai or anthropic), FASCIA_MODEL and the provider's key " +
  "(OPENAI_API_KEY, ANTHROPIC_API_KEY or FASCIA_MODEL_API_KEY) in the environment, or --provider and --model; " +
  "FASCIA_MODEL_BASE_URL or --base-url for a local model (docs/chat.md)";

type DocumentState = ProposedDocument["state"];

export class ChatConversation {
  private readonly messages: ChatMessage[] = [];
  private readonly proposals = new Map<string, Proposal>();
  /** Documents accepted at least once (`proposal/document`): undo may have put their `before` back since. */
  private readonly accepted = new Set<string>();
  private readonly rejected = new Set<string>();
  private running = false;

  constructor(
    private readonly session: StudioSession,
    private readonly assistant?: StudioAssistant,
  ) {}

  view(): ChatView {
    const model = this.assistant ? { provider: this.assistant.provider, model: this.assistant.model } : {};
    return {
      configured: this.assistant !== undefined,
      ...model,
      thinking: this.running,
      messages: [...this.messages],
      proposals: [...this.proposals.values()].map((p) => this.proposalView(p)),
    };
  }

  async ask(text: unknown): Promise<AssistantTurn> {
    if (!this.assistant) throw new ChatRefusal(400, NOT_CONFIGURED);
    if (typeof text !== "string" || text.trim() === "") throw new ChatRefusal(400, "text: say what the app should do");
    if (this.running) throw new ChatRefusal(409, "the assistant is still answering the last message: wait for its answer");
    this.running = true;
    try {
      const files = new Map(this.session.app.sources().map((s) => [s.file, s.text]));
      const turn = await this.assistant.ask(text, files, [...this.messages]);
      // Both sides of the turn are kept only when it completes: a failed turn leaves no question unanswered in the history.
      this.messages.push(
        { role: "user", text },
        { role: "assistant", text: turn.reply, ...(turn.proposal ? { proposalId: turn.proposal.id } : {}) },
      );
      if (!turn.proposal) return { reply: turn.reply };
      this.proposals.set(turn.proposal.id, turn.proposal);
      return { reply: turn.reply, proposal: this.proposalView(turn.proposal) };
    } catch (error) {
      const reason = this.scrub(error instanceof Error ? error.message : String(error));
      // The model's failure (unreachable, refused, rate-limited past its retries, cut off) is the upstream's: 502. Anything else is ours.
      if (error instanceof ModelError) throw new ChatRefusal(502, `the model did not answer: ${reason}`);
      throw new ChatRefusal(500, `the assistant failed: ${reason}`);
    } finally {
      this.running = false;
    }
  }

  /** Writes the document's `after` in place of its text (one step of undo); refused when its file changed since the proposal. */
  accept(proposalId: string, documentId: string): AcceptAnswer {
    const { proposal, document } = this.find(proposalId, documentId);
    if (proposal.status !== "valid")
      throw new ChatRefusal(409, "this proposal failed its checks: nothing in it can be accepted (ask again)");
    const state = this.stateOf(proposal, document);
    if (state !== "pending") throw new ChatRefusal(409, `${document.file}: this document was already ${state}`);
    let text: string | null;
    try {
      // The engine's own splice: what is written is exactly what was judged, in place of exactly the text it was judged against.
      text = applyProposedDocument(this.fileText(document.file), document);
    } catch {
      throw new ChatRefusal(409, `${document.file} changed since the proposal was made: it was not accepted; ask the assistant again`);
    }
    const answer = this.session.replace([{ file: document.file, text }]);
    this.accepted.add(key(proposal, document));
    return { ...answer, proposal: this.proposalView(proposal) };
  }

  /** Marks the document rejected; the app is not touched. */
  reject(proposalId: string, documentId: string): ProposalAnswer {
    const { proposal, document } = this.find(proposalId, documentId);
    const state = this.stateOf(proposal, document);
    if (state === "accepted") throw new ChatRefusal(409, `${document.file}: this document was accepted (Undo reverts it)`);
    this.rejected.add(key(proposal, document));
    return { proposal: this.proposalView(proposal) };
  }

  private find(proposalId: string, documentId: string): { proposal: Proposal; document: ProposedDocument } {
    const proposal = this.proposals.get(proposalId);
    if (!proposal) throw new ChatRefusal(404, `no proposal "${proposalId}"`);
    const document = proposal.documents.find((d) => d.id === documentId);
    if (!document) throw new ChatRefusal(404, `proposal "${proposalId}" has no document "${documentId}"`);
    return { proposal, document };
  }

  private proposalView(proposal: Proposal): Proposal {
    return { ...proposal, documents: proposal.documents.map((d) => ({ ...d, state: this.stateOf(proposal, d) })) };
  }

  /**
   * An accepted document goes back to pending when undo has put its `before` back (it can be accepted
   * again), and is accepted again after redo: the state follows the text, not the clicks.
   */
  private stateOf(proposal: Proposal, document: ProposedDocument): DocumentState {
    const id = key(proposal, document);
    if (this.rejected.has(id)) return "rejected";
    if (!this.accepted.has(id)) return "pending";
    const file = this.fileText(document.file);
    const now = file === null ? null : (findDocument(file, document.kind, document.name)?.text ?? null);
    return now === document.before && now !== document.after ? "pending" : "accepted";
  }

  private fileText(file: string): string | null {
    return this.session.app.has(file) ? this.session.app.text(file) : null;
  }

  private scrub(text: string): string {
    return this.assistant!.secrets.reduce((t, secret) => redact(t, secret), text);
  }
}

function key(proposal: Proposal, document: ProposedDocument): string {
  return `${proposal.id}/${document.id}`;
}
