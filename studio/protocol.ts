/**
 * What the studio's server and its browser app say to each other: JSON over HTTP on loopback.
 * Types only. The browser bundle (studio/web) imports this module and nothing else of the product:
 * every check, plan and verdict it shows was made on the server by the loader, the flow compiler and
 * the Risk Engine the CLI uses (one implementation, never a second copy in the browser).
 *
 * Routes (all JSON; a refused request answers 4xx with `{ error }`):
 *   GET  /api/app                → AppSummary
 *   GET  /api/tools/:name        → ToolView
 *   GET  /api/entities/:name     → EntityView
 *   GET  /api/entity-graph       → EntityGraph
 *   GET  /api/node-types         → NodeTypeCatalog (palette + a JSON Schema per type, from the loader's zod schemas)
 *   GET  /api/diff               → DiffView (404 unless the studio was started with --from DIR)
 *   POST /api/edit    (Edit)     → ChangeAnswer
 *   POST /api/undo, /api/redo    → ChangeAnswer
 *   POST /api/save               → SaveAnswer
 *
 * Chat Studio (the assistant, studio/chat/; nothing it proposes runs, these routes read and replace text):
 *   GET  /api/chat                                             → ChatView (never the model's key)
 *   POST /api/chat/messages  ({ text })                        → AssistantTurn (409 while a turn runs; 400 without a model)
 *   POST /api/chat/proposals/:id/documents/:docId/accept       → AcceptAnswer (one step of undo; 409 when the file changed since)
 *   POST /api/chat/proposals/:id/documents/:docId/reject       → ProposalAnswer
 *
 * The Console (an executor's operator API, read through the studio: studio/console-proxy.ts):
 *   GET  /api/console                          → ConsoleInfo
 *   GET  /api/console/invocations              → InvocationPage (query: InvocationFilter, cursor, limit)
 *   GET  /api/console/invocations/:id          → InvocationDetail
 *   GET  /api/console/audit/verify             → ChainVerification (query: from, to)
 *   GET  /api/console/metrics                  → ToolMetricsReport (query: since, step, tool)
 *   GET  /api/console/deployment               → DeploymentState
 *   GET  /api/console/settings                 → DeploymentSettings
 *   GET  /api/console/openapi.json             → the app's OpenAPI 3.1 document, as the executor serves it
 * each the executor's `/_fascia/…` answer as it sent it; its refusals keep their status (`{ error, code }`),
 * and an executor that cannot be reached is 502 (`EXECUTOR_UNREACHABLE`) or 504 (`EXECUTOR_TIMEOUT`).
 */
import type { ChatMessage, Proposal } from "../assistant/proposal";
import type { ExecutionPlan } from "../compiler/flow/plan";

export type {
  ChainVerification,
  DeploymentSetting,
  DeploymentSettings,
  DeploymentState,
  InvocationDetail,
  InvocationFilter,
  InvocationPage,
  InvocationSummary,
  MetricsBucket,
  RecordKind,
  ToolMetricsReport,
} from "../contracts/operator-api";
export type {
  FlowTrace,
  NodeState,
  TraceCompensation,
  TraceNode,
  TraceScope,
  TraceTransaction,
  TransactionEnd,
} from "../contracts/flow-trace";

export type {
  AssistantTurn,
  ChatMessage,
  MigrationStepView,
  NewFinding,
  Proposal,
  ProposalDiagnostic,
  ProposedDocument,
  ToolRiskChange,
} from "../assistant/proposal";

export type Risk = "green" | "yellow" | "red";
/** A tool the loader refused (or that uses a refused spec) has no risk: it cannot be compiled. */
export type Standing = Risk | "invalid";

/** A loader diagnostic: where in which file, and what is wrong. */
export interface SpecProblem {
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
  hint?: string;
  /** The flow node the problem points into, when it does. */
  node?: string;
}

/** A Risk Engine finding. */
export interface RiskFinding {
  rule: string;
  level: Risk;
  message: string;
  hint: string;
  acknowledged: boolean;
  /** Absent for a finding about the whole tool. */
  node?: string;
}

/** Where the editing session stands: files changed since the last save, and the history's depth. */
export interface EditState {
  dirty: string[];
  undo: number;
  redo: number;
  /** Goes up by one on every change, undo and redo: a view older than this is stale. */
  revision: number;
}

export interface AppSummary {
  /** The app's folder, as given to `fascia studio`. */
  dir: string;
  entities: EntitySummary[];
  tools: ToolSummary[];
  policies: { name: string; file: string }[];
  /** Every loader diagnostic of the app as it stands in the studio (saved or not). */
  problems: SpecProblem[];
  risk: { tools: number; green: number; yellow: number; red: number; invalid: number };
  edits: EditState;
  /** True when started with --from: GET /api/diff answers. */
  diff: boolean;
}

export interface EntitySummary {
  name: string;
  /** Path relative to the app's folder, as in every `file` of this protocol. */
  file: string;
  fields: number;
  states: number;
  problems: number;
}

export interface ToolSummary {
  name: string;
  file: string;
  trigger: "http" | "webhook" | "schedule" | null;
  /** "POST /reservations", "webhook /payments", "cron 0 3 * * *"; null when the trigger is missing. */
  route: string | null;
  risk: Standing;
  deployable: boolean;
  findings: number;
  problems: number;
}

export interface ToolView {
  name: string;
  file: string;
  /** The whole text of the tool's file as it stands in the studio (saved or not): the YAML view. */
  yaml: string;
  risk: Standing;
  deployable: boolean;
  /** The 11 executable node types; scopes (transaction, retry) are in `scopes`. */
  nodes: FlowNodeView[];
  edges: FlowEdgeView[];
  scopes: ScopeView[];
  /** Every finding, the tool-level ones (no `node`) included. */
  findings: RiskFinding[];
  /** Loader diagnostics in this tool's file. */
  problems: SpecProblem[];
  /** Null when the tool cannot be compiled. */
  plan: ExecutionPlan | null;
}

export interface FlowNodeView {
  id: string;
  type: string;
  /** The node's fields as written (id and type included): what the node's form edits. */
  spec: Record<string, unknown>;
  /** The worst finding on the node, or "invalid" when a loader diagnostic points into it. */
  risk: Standing;
  findings: RiskFinding[];
  problems: SpecProblem[];
  /** The innermost transaction or retry scope holding the node. */
  scope: string | null;
  /** Position in the plan's run order (0-based); null without a plan. */
  step: number | null;
}

export interface FlowEdgeView {
  from: string;
  to: string;
  /** The branch label (`when`), shown on the edge. */
  when?: string;
}

export interface ScopeView {
  id: string;
  type: "transaction" | "retry";
  /** Ids as written in the scope's `nodes` (executable nodes or nested scopes). */
  members: string[];
  parent: string | null;
  spec: Record<string, unknown>;
  risk: Standing;
  findings: RiskFinding[];
  problems: SpecProblem[];
}

export interface EntityView {
  name: string;
  file: string;
  yaml: string;
  fields: EntityFieldView[];
  /** Null when the entity has no status machine. */
  status: { field: string; initial: string | null; states: string[]; transitions: { from: string; to: string; label?: string }[] } | null;
  invariants: { name: string; expression: string; enforcedBy: "check" | "executor"; why: string }[];
  problems: SpecProblem[];
}

export interface EntityFieldView {
  name: string;
  type: string;
  required: boolean;
  unique: boolean;
  /** The entity a relationship field points to. */
  references?: string;
  /** Everything else written on the field, in one line ("maxLength 200, default 'x'"). */
  detail: string;
}

/** The diagram across entities: one edge per relationship field. */
export interface EntityGraph {
  entities: string[];
  relations: { from: string; field: string; to: string; required: boolean }[];
}

/** The palette and the node forms. */
export interface NodeTypeCatalog {
  groups: { name: string; types: string[] }[];
  /** A JSON Schema per node type, generated from the loader's zod schema of that type. */
  schemas: Record<string, unknown>;
  /** The fields a new node of the type starts with (besides id and type). */
  defaults: Record<string, Record<string, unknown>>;
}

export type Change = "added" | "removed" | "changed";

/** The app in the studio against the version given by --from. */
export interface DiffView {
  from: string;
  tools: { name: string; change: Change; before: Standing | null; after: Standing | null; nodes: { id: string; change: Change }[] }[];
  entities: { name: string; change: Change; fields: { name: string; change: Change }[] }[];
  /** The migration from the --from version, as `fascia plan --from` lists it. */
  migration: { steps: { summary: string; sql: string[] }[]; findings: RiskFinding[]; error?: string };
}

/** Every change the studio can make. Each is one step of undo. */
export type Edit =
  | { op: "addNode"; tool: string; node: { type: string; id?: string } & Record<string, unknown> }
  | { op: "removeNodes"; tool: string; ids: string[] }
  | { op: "connect"; tool: string; from: string; to: string; when?: string | number | boolean }
  | { op: "disconnect"; tool: string; from: string; to: string }
  /** Sets fields of a node (not id or type); `unset` removes fields. */
  | { op: "configure"; tool: string; id: string; set?: Record<string, unknown>; unset?: string[] }
  /** Wraps nodes in a new transaction or retry scope (a retry scope starts with `policy: { maxAttempts: 3 }`). */
  | { op: "group"; tool: string; ids: string[]; scope: "transaction" | "retry"; id?: string }
  /** Removes a scope, keeping its members. */
  | { op: "ungroup"; tool: string; id: string }
  /** Adds copied nodes and the edges among them; ids already taken are renamed, and the edges follow. */
  | { op: "paste"; tool: string; nodes: Record<string, unknown>[]; edges: FlowEdgeView[] }
  /** The YAML view: replaces a file's whole text. */
  | { op: "setText"; file: string; text: string };

export interface ChangeAnswer {
  summary: AppSummary;
  /** Files the change touched. */
  files: string[];
  /** For addNode and paste: the ids the new nodes got. */
  ids?: string[];
}

export interface SaveAnswer {
  summary: AppSummary;
  saved: string[];
}

/** Which executor the Console reads, and where the studio's operator token comes from. */
export interface ConsoleInfo {
  /** The executor's base URL (`fascia studio --executor`; default `fascia dev`'s, http://127.0.0.1:8080). */
  executor: string;
  /** `local`: minted by the studio from the app's local keys, as `fascia dev` verifies them; `given`: `--token`. */
  token: "local" | "given";
}

/** The studio's chat: whether a model is configured (its provider and name, never its key), and the conversation so far. */
export interface ChatView {
  configured: boolean;
  provider?: string;
  model?: string;
  /** True while a turn runs (one at a time). */
  thinking: boolean;
  messages: ChatMessage[];
  /** Each document's `state` as the app stands: an accepted document that undo reverted is pending again. */
  proposals: Proposal[];
}

/** A document accepted: the edit's answer, and the proposal with the document's new state. */
export interface AcceptAnswer extends ChangeAnswer {
  proposal: Proposal;
}

export interface ProposalAnswer {
  proposal: Proposal;
}
