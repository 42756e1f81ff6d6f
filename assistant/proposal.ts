/**
 * What the assistant (Chat Studio) hands a person: its reply and, when it proposes changes, one
 * proposal of whole documents, each already run through the loader, the compiler and the Risk
 * Engine, with the diff and the risk change those made. Types only: the studio's server and browser
 * app (studio/protocol.ts re-exports them) and `fascia chat` show them; nothing here runs anything.
 */

/** A turn of the conversation as the person sees it (tool calls and repair rounds are not turns). */
export interface ChatMessage {
  role: "user" | "assistant";
  text: string;
  /** The proposal this assistant turn made, if any. */
  proposalId?: string;
}

/** A tool's risk level before and after the proposal; `null` where the tool does not exist on that side. */
export interface ToolRiskChange {
  tool: string;
  before: "green" | "yellow" | "red" | null;
  after: "green" | "yellow" | "red" | null;
}

/** A Risk Engine finding the proposal adds (one the app already had is not repeated). */
export interface NewFinding {
  tool: string;
  rule: string;
  level: "green" | "yellow" | "red";
  message: string;
}

/** One step of the migration the proposal needs, as `fascia plan --from` plans it. */
export interface MigrationStepView {
  summary: string;
  level: "green" | "yellow" | "red";
}

/** A diagnostic the loader or compiler reported on the proposal (what the model was asked to repair). */
export interface ProposalDiagnostic {
  file: string;
  line?: number;
  /** The field path within the document (`flow.nodes[2].entity`). */
  path?: string;
  code?: string;
  message: string;
}

/**
 * One document the proposal creates, replaces or deletes. `file` is relative to the app's folder;
 * `docIndex` is the document's place in a multi-document file (0 for a file of one document, and
 * for a new file). Accepting it writes `after` in place of that document's text only: the rest of
 * the file (other documents, comments) stays as it was.
 */
export interface ProposedDocument {
  id: string;
  file: string;
  docIndex: number;
  kind: "Entity" | "Tool" | "Policy";
  name: string;
  action: "create" | "update" | "delete";
  /** The document's text now (null when created) and as proposed (null when deleted). */
  before: string | null;
  after: string | null;
  /** A unified diff of `before` → `after`, for the terminal and as the browser's fallback. */
  diff: string;
  state: "pending" | "accepted" | "rejected";
}

/**
 * A proposal as the person sees it: `valid` only when the app with every document applied loads,
 * compiles and has no Red tool (Red fails `pulumi preview`) — otherwise `failed`, with the last
 * round's diagnostics and findings, and nothing offered for acceptance.
 */
export interface Proposal {
  id: string;
  status: "valid" | "failed";
  /** Model rounds used (1 when the first answer passed); bounded (docs/chat.md). */
  rounds: number;
  /** Why the proposal failed, in words, when it did. */
  failure?: string;
  documents: ProposedDocument[];
  diagnostics: ProposalDiagnostic[];
  risk: { tools: ToolRiskChange[]; newFindings: NewFinding[]; migration: MigrationStepView[] };
}

/** What one `ask` produced: the assistant's reply and the proposal it made, if any. */
export interface AssistantTurn {
  reply: string;
  proposal?: Proposal;
}
