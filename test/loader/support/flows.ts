/**
 * Valid flows, built as structured blocks so that the result is a DAG by construction: a node, a
 * sequence, an if/switch with labelled arms, a transaction/retry scope around a block, or two
 * parallel arms. Blocks occupy consecutive positions in generation order and every edge points
 * forward, so a scope around a block is always connected and contiguous. Expressions only name
 * nodes that run before (ancestors), with the types those nodes output.
 */
import type { EntitySpec } from "../../../language/entity";
import type { FieldSpec } from "../../../language/field";
import type { FlowNodeSpec, NodeOfType, WhereSpec } from "../../../language/nodes";
import type { EdgeSpec } from "../../../language/tool";
import { whereIsUnique } from "../../../language/keys";
import { effectTiming } from "../../../language/node-kinds";
import type { Choices } from "./choices";
import { opt, rowTerms } from "./entities";
import { Expressions, type CelKind, type Term } from "./expressions";
import type { NameSource } from "./names";

/** Where a block's control leaves it: the next block gets an edge from each exit. */
interface Exit {
  id: string;
  when?: string | number | boolean;
}

export interface FlowContext {
  entities: readonly EntitySpec[];
  /** Policies a policyCheck node may name (their rules only use caller). */
  policies: readonly string[];
  /** Terms every node sees: input, caller, secrets. */
  terms: readonly Term[];
  /** Most executable nodes to generate (a soft limit). */
  budget: number;
}

export interface GeneratedFlow {
  nodes: FlowNodeSpec[];
  edges: EdgeSpec[];
  /** Terms of every node's output, for the tool's `output` expression. */
  outputTerms: Term[];
}

const DURATION_UNITS = ["ms", "s", "m", "h"];

export function genFlow(c: Choices, names: NameSource, ctx: FlowContext): GeneratedFlow {
  const builder = new FlowBuilder(c, names, ctx);
  let exits: Exit[];
  if (c.chance(15)) {
    // Two starting nodes (no incoming edge), joined afterwards.
    exits = [...builder.block([], 1, false), ...builder.block([], 1, false)];
    exits = builder.node(exits);
  } else exits = builder.block([], 3, false);
  if (builder.spare() > 0 && c.chance(50)) builder.block(exits, 2, false);
  builder.extraEdges();
  const ordered = c.chance(30) ? c.shuffle(builder.nodes) : builder.nodes;
  return {
    nodes: ordered,
    edges: c.chance(20) ? c.shuffle(builder.edges) : builder.edges,
    outputTerms: [...builder.outputs.values()].flat(),
  };
}

class FlowBuilder {
  readonly nodes: FlowNodeSpec[] = [];
  readonly edges: EdgeSpec[] = [];
  readonly outputs = new Map<string, Term[]>();
  private readonly ids = new Set<string>();
  private readonly ancestors = new Map<string, Set<string>>();
  /** Executable node ids in generation order (every edge goes forward in it). */
  private readonly exec: string[] = [];
  private readonly branchIds = new Set<string>();
  /** The CEL type of each transform's and switch's value: what `nodes.<id>` is. */
  private readonly valueKinds = new Map<string, CelKind>();
  /** Direct members of the scopes being built, innermost last. */
  private readonly scopeStack: string[][] = [];
  /** Executable ids inside the innermost open scope. */
  private readonly scopeExec: Set<string>[] = [];

  constructor(
    private readonly c: Choices,
    private readonly names: NameSource,
    private readonly ctx: FlowContext,
  ) {}

  spare(): number {
    return this.ctx.budget - this.exec.length;
  }

  block(preds: Exit[], depth: number, inTx: boolean): Exit[] {
    if (depth <= 0 || this.spare() <= 1) return this.node(preds);
    const parallelOk = preds.length > 0 && preds.every((p) => this.insideCurrentScope(p.id));
    const kinds: (() => Exit[])[] = [
      () => this.node(preds),
      () => this.node(preds),
      () => this.sequence(preds, depth, inTx),
      () => this.branch(preds, depth, inTx),
      () => this.scope(preds, depth, inTx),
      ...(parallelOk ? [() => [...this.block(preds, depth - 1, inTx), ...this.block(preds, depth - 1, inTx)]] : []),
    ];
    return this.c.pick(kinds)();
  }

  /** Two nodes may run in parallel inside a scope only when they share a predecessor inside it. */
  private insideCurrentScope(id: string): boolean {
    const inner = this.scopeExec[this.scopeExec.length - 1];
    return inner === undefined || inner.has(id);
  }

  private sequence(preds: Exit[], depth: number, inTx: boolean): Exit[] {
    let exits = preds;
    for (let i = this.c.int(2, 3); i > 0; i--) exits = this.block(exits, depth - 1, inTx);
    return exits;
  }

  /** Adds a node after `preds`; returns the node's exits. */
  node(preds: Exit[], make?: (id: string, exprs: Expressions) => FlowNodeSpec): Exit[] {
    const id = this.names.nodeId(this.ids);
    const ancestors = new Set<string>();
    for (const p of preds) {
      ancestors.add(p.id);
      for (const a of this.ancestors.get(p.id) ?? []) ancestors.add(a);
    }
    const visible = [...this.ctx.terms, ...[...ancestors].flatMap((a) => this.outputs.get(a) ?? [])];
    const exprs = new Expressions(this.c, visible, { now: true, caller: true });
    const spec = (make ?? ((nodeId, e) => this.execNode(nodeId, e)))(id, exprs);
    for (const p of preds) this.edges.push({ from: p.id, to: id, ...(p.when !== undefined ? { when: p.when } : {}) });
    this.ancestors.set(id, ancestors);
    this.exec.push(id);
    this.nodes.push(spec);
    this.scopeStack[this.scopeStack.length - 1]?.push(id);
    for (const inner of this.scopeExec) inner.add(id);
    this.outputs.set(id, this.outputTerms(spec));
    return [{ id }];
  }

  private branch(preds: Exit[], depth: number, inTx: boolean): Exit[] {
    let labels: (string | number | boolean)[];
    const [exit] = this.c.chance(60)
      ? this.node(preds, (id, e) => ({ id, type: "if", condition: e.of("bool") }))
      : this.node(preds, (id, e) => {
          const numeric = this.c.chance(30);
          this.valueKinds.set(id, numeric ? "int" : "string");
          const cases: (string | number)[] = numeric
            ? this.c.some([1, 2, 3, 10], 3, 60)
            : this.c.some(["a", "gold", "x y", "true", "1"], 3, 60);
          if (cases.length === 0) cases.push(numeric ? 0 : "only");
          return { id, type: "switch", value: e.of(numeric ? "int" : "string"), cases };
        });
    const id = exit!.id;
    this.branchIds.add(id);
    const node = this.nodes[this.nodes.length - 1]!;
    if (node.type === "if") labels = this.c.chance(80) ? [true, false] : [true];
    else if (node.type === "switch") {
      labels = this.c.some([...node.cases, "default"], 4, 70);
      if (labels.length === 0) labels = ["default"];
    } else throw new Error("unreachable");
    const exits: Exit[] = [];
    for (const when of labels) {
      if (this.spare() > 1 && this.c.chance(60)) exits.push(...this.block([{ id, when }], depth - 1, inTx));
      else exits.push({ id, when });
    }
    return exits;
  }

  private scope(preds: Exit[], depth: number, inTx: boolean): Exit[] {
    const type = inTx ? "retry" : this.c.pick(["transaction", "retry"] as const);
    this.scopeStack.push([]);
    this.scopeExec.push(new Set());
    const exits = this.block(preds, depth - 1, inTx || type === "transaction");
    const direct = this.scopeStack.pop()!;
    const inside = [...this.scopeExec.pop()!];
    const id = this.names.nodeId(this.ids);
    const members = this.c.chance(70) ? direct : inside;
    const base = { id, ...opt({ description: this.c.chance(10) ? this.c.text() : undefined }) };
    const spec: FlowNodeSpec =
      type === "transaction"
        ? {
            ...base,
            type,
            nodes: members,
            ...opt({
              isolation: this.c.chance(40) ? this.c.pick(["readCommitted", "repeatableRead", "serializable"] as const) : undefined,
            }),
          }
        : { ...base, type, nodes: members, policy: this.retryPolicy() };
    this.nodes.push(spec);
    this.scopeStack[this.scopeStack.length - 1]?.push(id);
    return exits;
  }

  /** A few more forward edges from non-branch nodes: still a DAG, scopes stay contiguous. */
  extraEdges(): void {
    for (let i = this.c.int(0, 2); i > 0 && this.exec.length > 1; i--) {
      const a = this.c.int(0, this.exec.length - 2);
      const b = this.c.int(a + 1, this.exec.length - 1);
      const [from, to] = [this.exec[a]!, this.exec[b]!];
      if (this.branchIds.has(from) || this.edges.some((e) => e.from === from && e.to === to)) continue;
      this.edges.push({ from, to });
    }
  }

  private retryPolicy(): NodeOfType<"retry">["policy"] {
    const initialInterval = this.c.chance(50) ? this.duration() : undefined;
    return {
      maxAttempts: this.c.int(1, 100),
      ...opt({
        initialInterval,
        backoffCoefficient: this.c.chance(50) ? this.c.double(1, 10) : undefined,
        maxInterval: initialInterval !== undefined && this.c.chance(50) ? this.duration() : undefined,
        retryOn: this.c.chance(40) ? this.c.some(["timeout", "unavailable", "rateLimited", "conflict"] as const) : undefined,
      }),
    };
  }

  private duration(): string {
    return `${this.c.int(0, 5000)}${this.c.pick(DURATION_UNITS)}`;
  }

  private execNode(id: string, e: Expressions): FlowNodeSpec {
    const base = {
      id,
      ...opt({ description: this.c.chance(10) ? this.c.text() : undefined, timeout: this.c.chance(15) ? this.duration() : undefined }),
    };
    const external = () => ({
      ...base,
      ...opt({
        retry: this.c.chance(20) ? this.retryPolicy() : undefined,
        secret: this.c.chance(20) ? this.names.secret(new Set()) : undefined,
      }),
    });
    const kinds: (() => FlowNodeSpec)[] = [
      () => ({ ...base, ...this.read(e) }),
      () => ({ ...base, ...this.write(e) }),
      () => {
        const value = e.any();
        this.valueKinds.set(id, value.kind);
        return { ...base, type: "transform", value: value.text };
      },
      () => this.timed({ ...external(), ...this.payment(e) }),
      () => this.timed({ ...external(), type: "email", to: e.of("string"), subject: e.of("string"), body: e.of("string") }),
      () => this.timed({ ...external(), ...this.http(e) }),
      () => ({ ...base, ...this.policyCheck(e) }),
      () => ({ ...base, type: "assert", condition: e.of("bool"), error: this.nodeError() }),
      () => ({
        ...base,
        type: "sql",
        query: this.c.text(1),
        mode: this.c.pick(["read", "write"] as const),
        ...opt({ params: this.c.chance(50) ? Array.from({ length: this.c.int(0, 3) }, () => e.any(1).text) : undefined }),
      }),
    ];
    return this.c.pick(kinds)();
  }

  /**
   * When an external node's effect happens: its default, or `runs` chosen at random — kept in the
   * flow when the node's values read a secret (an after-commit node may not store one) or a charge
   * arms a refund (nothing to compensate after the commit). outputTerms gives an after-commit node none.
   */
  private timed(node: NodeOfType<"payment" | "email" | "http">): FlowNodeSpec {
    const runs = this.c.chance(30) ? this.c.pick(["inFlow", "afterCommit"] as const) : undefined;
    const timed = { ...node, ...opt({ runs }) };
    const compensated = node.type === "payment" && node.action === "charge" && node.compensate === "refund";
    if (effectTiming(timed) === "afterCommit" && (JSON.stringify(node).includes("secrets.") || compensated))
      return { ...node, runs: "inFlow" };
    return timed;
  }

  private read(e: Expressions): Omit<NodeOfType<"read">, "id"> {
    const entity = this.c.pick(this.ctx.entities);
    const one = this.c.chance(50);
    const columns = Object.keys(columnFields(entity));
    return {
      type: "read",
      entity: entity.name,
      ...opt({
        where: this.c.chance(70) ? this.where(entity, e) : undefined,
        one: one ? true : this.c.chance(20) ? false : undefined,
        limit: !one && this.c.chance(30) ? this.c.int(1, 10_000) : undefined,
        orderBy: this.c.chance(30)
          ? this.c
              .some(columns, 2)
              .map((field) => ({ field, ...opt({ direction: this.c.chance(50) ? this.c.pick(["asc", "desc"] as const) : undefined }) }))
          : undefined,
        lock: this.c.chance(30) ? this.c.pick(["update", "share"] as const) : undefined,
      }),
    };
  }

  private where(entity: EntitySpec, e: Expressions): WhereSpec {
    const columns = Object.entries(columnFields(entity)).filter(([, f]) => f.type !== "json");
    const where: WhereSpec = {};
    for (const [name, field] of this.c.some(columns, 3, 30)) {
      if (this.c.chance(60)) where[name] = e.valueFor(field);
      else {
        const ops = this.c.some(["eq", "ne", "lt", "lte", "gt", "gte", "in"] as const, 2);
        if (ops.length === 0) ops.push("eq");
        where[name] = Object.fromEntries(
          ops.map((op) => [op, op === "in" ? `[${e.valueFor(field)}, ${e.valueFor(field)}]` : e.valueFor(field)]),
        );
      }
    }
    return where;
  }

  private write(e: Expressions): Omit<NodeOfType<"write">, "id"> {
    const entity = this.c.pick(this.ctx.entities);
    const settable = Object.entries(columnFields(entity)).filter(
      ([name, f]) => !SYSTEM.has(name) && name !== statusField(entity) && !f.immutable,
    );
    const actions = ["create", "delete", ...(settable.length ? ["update"] : []), ...(entity.status ? ["transition"] : [])] as const;
    const action = this.c.pick(actions as readonly NodeOfType<"write">["action"][]);
    const set = (pairs: [string, FieldSpec][]) => Object.fromEntries(pairs.map(([n, f]) => [n, e.valueFor(f)]));
    const where = this.c.chance(70) ? this.where(entity, e) : undefined;
    switch (action) {
      case "create": {
        const all = Object.entries(columnFields(entity)).filter(([name]) => !SYSTEM.has(name) && name !== statusField(entity));
        const required = all.filter(([, f]) => !f.optional && f.default === undefined);
        const optional = this.c.some(
          all.filter((p) => !required.includes(p)),
          3,
          30,
        );
        return { type: "write", entity: entity.name, action, set: set([...required, ...optional]) };
      }
      case "update": {
        const chosen = this.c.some(settable, 3);
        return { type: "write", entity: entity.name, action, set: set(chosen.length ? chosen : [settable[0]!]), ...opt({ where }) };
      }
      case "delete":
        return { type: "write", entity: entity.name, action, ...opt({ where }) };
      case "transition":
        return {
          type: "write",
          entity: entity.name,
          action,
          to: this.c.pick(entity.status!.states),
          ...opt({ where, set: this.c.chance(30) && settable.length ? set(this.c.some(settable, 2)) : undefined }),
        };
    }
  }

  private payment(e: Expressions): Omit<NodeOfType<"payment">, "id"> {
    const idempotencyKey = this.c.chance(20) ? e.of("string") : undefined;
    const customer = this.c.chance(50) ? e.of("string") : undefined;
    if (this.c.chance(60)) {
      return {
        type: "payment",
        action: "charge",
        amount: e.of("int"),
        currency: this.c.chance(50) ? "'eur'" : e.of("string"),
        ...opt({ customer, idempotencyKey, compensate: this.c.chance(50) ? this.c.pick(["refund", "none"] as const) : undefined }),
      };
    }
    return {
      type: "payment",
      action: "refund",
      payment: e.of("string"),
      ...opt({ amount: this.c.chance(50) ? e.of("int") : undefined, customer, idempotencyKey }),
    };
  }

  private http(e: Expressions): Omit<NodeOfType<"http">, "id"> {
    const statuses = () => this.c.int(100, 599);
    const headerNames = this.c.some(["Content-Type", "X-Request-Id", "authorization", "a b", "", "x:y"], 3, 30);
    return {
      type: "http",
      method: this.c.pick(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const),
      url: this.c.chance(50) ? `'https://api.example.test/' + ${e.of("string", 1)}` : e.of("string"),
      ...opt({
        headers: headerNames.length ? Object.fromEntries(headerNames.map((h) => [h, e.of("string", 1)])) : undefined,
        body: this.c.chance(50) ? e.any().text : undefined,
        expectStatus: this.c.chance(50) ? (this.c.chance(50) ? statuses() : [statuses(), statuses()]) : undefined,
      }),
    };
  }

  private policyCheck(e: Expressions): Omit<NodeOfType<"policyCheck">, "id"> {
    const error = this.c.chance(40) ? this.nodeError() : undefined;
    if (this.ctx.policies.length && this.c.chance(50))
      return { type: "policyCheck", policy: this.c.pick(this.ctx.policies), ...opt({ error }) };
    return { type: "policyCheck", rule: e.of("bool"), ...opt({ error }) };
  }

  private nodeError(): { code: string; status: number; message: string } {
    return { code: this.c.matching(/^[A-Z][A-Z0-9_]{0,10}$/), status: this.c.int(400, 599), message: this.c.text(1) };
  }

  /** What later nodes may read from this one (`nodes.<id>…`), typed as the loader types it. */
  private outputTerms(node: FlowNodeSpec): Term[] {
    const self = `nodes.${node.id}`;
    if ((node.type === "payment" || node.type === "email" || node.type === "http") && effectTiming(node) === "afterCommit") return [];
    const scalar = (text: string, cel: CelKind): Term => ({ text, cel, meaning: cel, nullable: false });
    const rowsOf = (entityName: string, single: boolean): Term[] => {
      const entity = this.ctx.entities.find((x) => x.name === entityName)!;
      return single ? rowTerms(entity, `${self}.`) : [scalar(`size(${self})`, "int")];
    };
    switch (node.type) {
      case "read":
        return rowsOf(node.entity, node.one === true);
      case "write": {
        const entity = this.ctx.entities.find((x) => x.name === node.entity)!;
        return rowsOf(node.entity, node.action === "create" || whereIsUnique(entity, node.where));
      }
      case "transform":
      case "switch":
        return [scalar(self, this.valueKinds.get(node.id)!)];
      case "if":
        return [scalar(self, "bool")];
      case "payment":
        return [
          scalar(`${self}.id`, "string"),
          scalar(`${self}.status`, "string"),
          scalar(`${self}.amount`, "int"),
          scalar(`${self}.currency`, "string"),
        ];
      case "email":
        return [scalar(`${self}.messageId`, "string")];
      case "http":
        return [scalar(`${self}.status`, "int")];
      case "sql":
        return [scalar(`size(${self})`, "int")];
      case "policyCheck":
      case "assert":
      case "transaction":
      case "retry":
        return [];
    }
  }
}

const SYSTEM = new Set(["id", "createdAt", "updatedAt", "version"]);

function statusField(entity: EntitySpec): string | undefined {
  return entity.status ? (entity.status.field ?? "status") : undefined;
}

/** Every column a where/set/orderBy may name, as a field definition (relationships are uuids). */
export function columnFields(entity: EntitySpec): Record<string, FieldSpec> {
  const columns: Record<string, FieldSpec> = {
    id: { type: "uuid" },
    createdAt: { type: "datetime" },
    updatedAt: { type: "datetime" },
    version: { type: "integer" },
  };
  for (const [name, field] of Object.entries(entity.fields)) columns[name] = field;
  for (const [name, rel] of Object.entries(entity.relationships ?? {})) {
    if (rel.kind === "belongsTo") columns[name] = { type: "uuid", ...opt({ optional: rel.optional, immutable: rel.immutable }) };
  }
  const status = statusField(entity);
  if (status) columns[status] = { type: "enum", values: entity.status!.states };
  return columns;
}
