/** The compiled plans of the example app: what the executor will run, field by field. */
import { compileSpecs } from "../../compiler/flow/compile";
import { PLAN_VERSION, type ExecutionPlan } from "../../compiler/flow/plan";
import { loadSpecDir } from "../../loader/load";

const plans = new Map(compileSpecs(loadSpecDir("examples/reservations").specs).map((c) => [c.plan.tool, c.plan]));
const plan = (name: string): ExecutionPlan => plans.get(name)!;

describe("execution plans of examples/reservations", () => {
  it("are plain versioned JSON: a round trip through JSON changes nothing", () => {
    for (const p of plans.values()) {
      expect(p.planVersion).toBe(PLAN_VERSION);
      expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    }
  });

  it("confirmReservation: one transaction around the whole flow, the read locked, the charge armed for refund", () => {
    const p = plan("confirmReservation");
    expect(p.steps).toEqual([
      { op: "begin", transaction: "tx" },
      { op: "run", node: "load" },
      { op: "run", node: "owner" },
      { op: "run", node: "mustBePending" },
      { op: "run", node: "charge" },
      { op: "run", node: "confirm" },
      { op: "commit", transaction: "tx" },
    ]);
    expect(p.transactions).toEqual([
      {
        id: "tx",
        isolation: "readCommitted",
        isolationSource: "default",
        members: ["load", "owner", "mustBePending", "charge", "confirm"],
        beginsBefore: "load",
        commitsAfter: "confirm",
        writes: ["confirm"],
        locks: ["load"],
        conflictRetry: null,
      },
    ]);
    expect(p.nodes.load!.lock).toEqual({ mode: "update", source: "spec", transaction: "tx", reason: "the spec asks for FOR UPDATE" });
    expect(p.nodes.charge!.external).toEqual({
      attemptTimeoutMs: 5000,
      timeoutSource: "node",
      retry: {
        maxAttempts: 3,
        initialIntervalMs: 200,
        backoffCoefficient: 2,
        maxIntervalMs: 30_000,
        retryOn: ["timeout", "unavailable", "rateLimited"],
      },
      maxAttempts: 3,
      budgetMs: 3 * 5000 + 200 + 400,
      runs: "inFlow",
    });
    expect(p.nodes.charge!.compensation).toEqual({ action: "refund", payment: "nodes.charge.id" });
    expect([p.nodes.mustBePending!.armed, p.nodes.charge!.armed, p.nodes.confirm!.armed]).toEqual([[], ["charge"], ["charge"]]);
    expect(p.nodes.confirm!.sees).toEqual(["load", "charge"]); // owner and mustBePending have no output
    expect(p.deadline).toEqual({ ms: 20_000, source: "tool" });
    expect(p.concurrency.strategy).toBe("rowLock");
    expect(p.concurrency.reason).toBe(
      "load reads the Reservation row FOR UPDATE inside transaction tx and confirm moves it to confirmed: a racing invocation waits for the commit, then sees the new row",
    );
  });

  it("cancelReservation: the refund branch and the join after it", () => {
    const p = plan("cancelReservation");
    expect(p.branches).toEqual([
      {
        node: "wasPaid",
        kind: "if",
        outcomes: [
          { when: true, to: ["refund"], skips: [] },
          { when: false, to: ["cancel"], skips: ["refund"] },
        ],
      },
    ]);
    const cancel = p.nodes.cancel!;
    expect(cancel.join).toBe("anyLiveEdge");
    expect(cancel.incoming).toEqual([
      { from: "wasPaid", to: "cancel", when: false },
      { from: "refund", to: "cancel" },
    ]);
    expect(cancel.canBeSkipped).toBe(false); // either outcome reaches it
    expect(p.nodes.refund!.canBeSkipped).toBe(true);
    // The refund runs after the commit (the default for a refund): it has no output in the flow.
    expect(p.nodes.refund!.external!.runs).toBe("afterCommit");
    expect(cancel.sees).toEqual(["load", "wasPaid"]);
    expect(cancel.maySkip).toEqual([]);
    expect(p.output.maySkip).toEqual([]);
  });

  it("completeStays: a serializable transaction inside the retry scope that retries its conflicts, then the calls after commit", () => {
    const p = plan("completeStays");
    expect(p.steps).toEqual([
      { op: "retryStart", scope: "retryConflicts" },
      { op: "begin", transaction: "tx" },
      { op: "run", node: "complete" },
      { op: "commit", transaction: "tx" },
      { op: "retryEnd", scope: "retryConflicts" },
      { op: "run", node: "occupancy" },
      { op: "run", node: "notifyOps" },
    ]);
    expect(p.transactions[0]).toEqual(
      expect.objectContaining({ isolation: "serializable", isolationSource: "spec", conflictRetry: { scope: "retryConflicts" } }),
    );
    expect(p.retryScopes).toEqual([
      {
        id: "retryConflicts",
        policy: { maxAttempts: 3, initialIntervalMs: 50, backoffCoefficient: 2, maxIntervalMs: 30_000, retryOn: ["conflict"] },
        members: ["complete"],
        transaction: null,
        savepoint: false,
      },
    ]);
    expect(p.concurrency.strategy).toBe("serializableRetry");
    expect(p.nodes.notifyOps!.transaction).toBeNull();
  });

  it("paymentWebhook: a switch whose two cases lead to the same node", () => {
    const p = plan("paymentWebhook");
    expect(p.branches[0]).toEqual({
      node: "route",
      kind: "switch",
      outcomes: [
        { when: "payment.failed", to: ["load"], skips: ["ignore"] },
        { when: "payment.refunded", to: ["load"], skips: ["ignore"] },
        { when: "default", to: ["ignore"], skips: ["load", "stillOpen", "cancel"] },
      ],
    });
    expect(p.nodes.load!.incoming.map((e) => e.when)).toEqual(["payment.failed", "payment.refunded"]);
    expect(p.steps.map((s) => (s.op === "run" ? s.node : s.op))).toEqual([
      "route",
      "begin",
      "load",
      "stillOpen",
      "cancel",
      "commit",
      "ignore",
    ]);
    expect(p.output.maySkip).toEqual(["load", "stillOpen", "cancel", "ignore"]);
  });

  it("createReservation: inserts need no concurrency measure; the email runs after the commit", () => {
    const p = plan("createReservation");
    expect(p.concurrency).toEqual({
      strategy: "none",
      reason: "plain inserts: the database's unique and noOverlap constraints reject a racing duplicate (409)",
      measures: [],
    });
    expect(p.steps.slice(-2)).toEqual([
      { op: "commit", transaction: "tx" },
      { op: "run", node: "sendConfirmation" },
    ]);
    expect(p.nodes.sendConfirmation!.external!.maxAttempts).toBe(1);
  });

  it("listReservations: no transaction, reads only", () => {
    const p = plan("listReservations");
    expect([p.steps, p.transactions, p.concurrency.strategy, p.idempotency]).toEqual([[{ op: "run", node: "mine" }], [], "none", "none"]);
  });
});
