/**
 * For every rule: specs that must trigger it (at the node named) and near misses that must not.
 * Typed by the rule table, so a rule without cases does not compile.
 */
import type { ToolRuleId } from "../../risk/rules";
import { chain, charge, email, http, loadOrder, refund, sql, tool, transitionOrder, tx, updateOrder, type Obj } from "./support";

export interface RuleCase {
  name: string;
  spec: Obj;
  /** The node the finding must name; null for a tool-level finding. */
  node?: string | null;
}

const ifFlag = (id = "check"): Obj => ({ id, type: "if", condition: "input.flag" });
const assertStatus = (id: string, condition: string): Obj => ({
  id,
  type: "assert",
  condition,
  error: { code: "BAD_STATE", status: 409, message: "wrong state" },
});
const createOrder = (id = "make"): Obj => ({
  id,
  type: "write",
  entity: "Order",
  action: "create",
  set: { total: "1", code: "'c'", account: "input.orderId" },
});

export const RULE_CASES: Record<ToolRuleId, { triggers: RuleCase[]; nearMisses: RuleCase[] }> = {
  R001: {
    triggers: [
      { name: "an update with no transaction at all", spec: tool([loadOrder(), updateOrder()], chain("load", "save")), node: "save" },
      {
        name: "sql in write mode outside any transaction",
        spec: tool([sql("bump", "write", 'UPDATE "order" SET total = 0')]),
        node: "bump",
      },
      {
        name: "one branch's write is in the transaction, the other branch's is not",
        spec: tool(
          [loadOrder(), ifFlag(), updateOrder("inside"), updateOrder("outside"), tx(["inside"])],
          [...chain("load", "check"), { from: "check", to: "inside", when: true }, { from: "check", to: "outside", when: false }],
        ),
        node: "outside",
      },
      {
        name: "a transition inside a retry scope (a retry is not a transaction)",
        spec: tool(
          [loadOrder(), transitionOrder("pay", "paid"), { id: "again", type: "retry", nodes: ["load", "pay"], policy: { maxAttempts: 3 } }],
          chain("load", "pay"),
        ),
        node: "pay",
      },
    ],
    nearMisses: [
      {
        name: "a write inside a transaction scope reached through a branch",
        spec: tool(
          [loadOrder(), ifFlag(), updateOrder(), tx(["save"])],
          [...chain("load", "check"), { from: "check", to: "save", when: true }],
        ),
      },
      { name: "sql in write mode inside a transaction", spec: tool([sql("bump", "write", 'UPDATE "order" SET total = 0'), tx(["bump"])]) },
      {
        name: "a create in a transaction nested in a retry scope",
        spec: tool([
          createOrder(),
          tx(["make"]),
          { id: "again", type: "retry", nodes: ["tx"], policy: { maxAttempts: 2, retryOn: ["conflict"] } },
        ]),
      },
      { name: "reads and external calls only, no transaction", spec: tool([loadOrder(), email()], chain("load", "mail")) },
    ],
  },
  R002: {
    triggers: [
      { name: "sql in write mode", spec: tool([sql("bump", "write", 'UPDATE "order" SET total = 0'), tx(["bump"])]), node: "bump" },
      { name: "read mode but DELETE", spec: tool([sql("purge", "read", 'DELETE FROM "order" RETURNING id')]), node: "purge" },
      { name: "read mode but SELECT … FOR UPDATE", spec: tool([sql("grab", "read", 'SELECT id FROM "order" FOR UPDATE')]), node: "grab" },
      { name: "read mode with a second statement", spec: tool([sql("sneak", "read", 'SELECT 1; DROP TABLE "order"')]), node: "sneak" },
      { name: "read mode calling nextval()", spec: tool([sql("seq", "read", "SELECT nextval('order_seq')")]), node: "seq" },
    ],
    nearMisses: [
      {
        name: "a SELECT whose string literal says delete",
        spec: tool([sql("q", "read", "SELECT count(*) FROM \"order\" WHERE note = 'delete me; update later'")]),
      },
      {
        name: "a SELECT with a comment mentioning update",
        spec: tool([sql("q", "read", 'SELECT total FROM "order" -- update: keep in step with the report\n')]),
      },
      {
        name: "a WITH … SELECT",
        spec: tool([sql("q", "read", "WITH paid AS (SELECT * FROM \"order\" WHERE status = 'paid') SELECT count(*) FROM paid")]),
      },
      { name: "a quoted identifier named update", spec: tool([sql("q", "read", 'SELECT "update" FROM audit_view LIMIT 10')]) },
    ],
  },
  R003: {
    triggers: [
      {
        name: "a charge without compensate, then a write in the same transaction",
        spec: tool(
          [loadOrder(), charge("charge", { compensate: undefined }), transitionOrder("pay", "paid"), tx(["load", "charge", "pay"])],
          chain("load", "charge", "pay"),
        ),
        node: "charge",
      },
      {
        name: "compensate: none, then an email after it",
        spec: tool([loadOrder(), charge("charge", { compensate: "none" }), email()], chain("load", "charge", "mail")),
        node: "charge",
      },
      {
        name: "the last node, but the transaction's commit comes after it",
        spec: tool([loadOrder(), charge("charge", { compensate: undefined }), tx(["load", "charge"])], chain("load", "charge")),
        node: "charge",
      },
      {
        name: "a transaction begins after the charge",
        spec: tool(
          [loadOrder(), charge("charge", { compensate: undefined }), transitionOrder("pay", "paid"), tx(["pay"])],
          chain("load", "charge", "pay"),
        ),
        node: "charge",
      },
    ],
    nearMisses: [
      {
        name: "compensate: refund, then a write",
        spec: tool([loadOrder(), charge(), transitionOrder("pay", "paid"), tx(["load", "charge", "pay"])], chain("load", "charge", "pay")),
      },
      {
        name: "the flow's last step, outside any transaction",
        spec: tool(
          [loadOrder(), transitionOrder("pay", "paid"), charge("charge", { compensate: undefined }), tx(["load", "pay"])],
          chain("load", "pay", "charge"),
        ),
      },
      {
        name: "the step that can fail is on the other, exclusive branch",
        spec: tool(
          [loadOrder(), ifFlag(), charge("charge", { compensate: undefined }), email()],
          [...chain("load", "check"), { from: "check", to: "charge", when: true }, { from: "check", to: "mail", when: false }],
        ),
      },
      {
        name: "a refund (not a charge) followed by steps",
        spec: tool(
          [
            loadOrder(),
            { id: "back", type: "payment", action: "refund", payment: "'ch_1'", timeout: "5s", retry: { maxAttempts: 3 } },
            email(),
          ],
          chain("load", "back", "mail"),
        ),
      },
    ],
  },
  R004: {
    triggers: [
      {
        name: "an update with no where",
        spec: tool([{ id: "all", type: "write", entity: "Order", action: "update", set: { note: "'x'" } }, tx(["all"])]),
        node: "all",
      },
      {
        name: "a delete with where {}",
        spec: tool([{ id: "wipe", type: "write", entity: "Order", action: "delete", where: {} }, tx(["wipe"])]),
        node: "wipe",
      },
      {
        name: "an update with no where after a read",
        spec: tool(
          [loadOrder(), { id: "all", type: "write", entity: "Tag", action: "update", set: { label: "'x'" } }, tx(["load", "all"])],
          chain("load", "all"),
        ),
        node: "all",
      },
    ],
    nearMisses: [
      { name: "an update by id", spec: tool([loadOrder(), updateOrder(), tx(["load", "save"])], chain("load", "save")) },
      {
        name: "a transition with an empty where (high impact, Y003, not R004)",
        spec: tool([{ id: "all", type: "write", entity: "Order", action: "transition", to: "cancelled" }, tx(["all"])]),
      },
      {
        name: "a delete by a unique field",
        spec: tool([{ id: "drop", type: "write", entity: "Order", action: "delete", where: { code: "'c1'" } }, tx(["drop"])]),
      },
      { name: "a create (it has no where)", spec: tool([createOrder(), tx(["make"])]) },
    ],
  },
  R005: {
    triggers: [
      {
        name: "an update that sets status",
        spec: tool([loadOrder(), updateOrder("save", { set: { status: "'paid'" } }), tx(["load", "save"])], chain("load", "save")),
        node: "save",
      },
      {
        name: "a create that sets status",
        spec: tool([
          {
            id: "make",
            type: "write",
            entity: "Order",
            action: "create",
            set: { total: "1", code: "'c'", account: "input.orderId", status: "'paid'" },
          },
          tx(["make"]),
        ]),
        node: "make",
      },
      {
        name: "an update of a custom status field (Account.state)",
        spec: tool([
          { id: "freeze", type: "write", entity: "Account", action: "update", where: { id: "input.orderId" }, set: { state: "'frozen'" } },
          tx(["freeze"]),
        ]),
        node: "freeze",
      },
    ],
    nearMisses: [
      {
        name: "a field named status on an entity without a status machine",
        spec: tool([
          { id: "mark", type: "write", entity: "Tag", action: "update", where: { id: "input.orderId" }, set: { status: "'b'" } },
          tx(["mark"]),
        ]),
      },
      {
        name: "a transition with to",
        spec: tool([loadOrder(), transitionOrder("pay", "paid"), tx(["load", "pay"])], chain("load", "pay")),
      },
      { name: "an update of other fields", spec: tool([loadOrder(), updateOrder(), tx(["load", "save"])], chain("load", "save")) },
    ],
  },
  R006: {
    triggers: [
      {
        name: "a transition to a state no transition enters",
        spec: tool([loadOrder(), transitionOrder("back", "pending"), tx(["load", "back"])], chain("load", "back")),
        node: "back",
      },
      {
        name: "an assert pins shipped; shipped → cancelled is not listed",
        spec: tool(
          [
            loadOrder(),
            assertStatus("isShipped", "nodes.load.status == 'shipped'"),
            transitionOrder("cancel", "cancelled"),
            tx(["load", "isShipped", "cancel"]),
          ],
          chain("load", "isShipped", "cancel"),
        ),
        node: "cancel",
      },
      {
        name: "an assert pins pending or shipped; shipped → paid is not listed",
        spec: tool(
          [
            loadOrder(),
            assertStatus("ok", "nodes.load.status in ['pending', 'shipped']"),
            transitionOrder("pay", "paid"),
            tx(["load", "ok", "pay"]),
          ],
          chain("load", "ok", "pay"),
        ),
        node: "pay",
      },
      {
        name: "the pin is one conjunct of an &&",
        spec: tool(
          [
            loadOrder(),
            assertStatus("ok", "nodes.load.total > 0 && 'shipped' == nodes.load.status"),
            transitionOrder("pay", "paid"),
            tx(["load", "ok", "pay"]),
          ],
          chain("load", "ok", "pay"),
        ),
        node: "pay",
      },
      {
        name: "the write's own where pins shipped",
        spec: tool([transitionOrder("cancelAll", "cancelled", { status: "'shipped'" }), tx(["cancelAll"])]),
        node: "cancelAll",
      },
    ],
    nearMisses: [
      {
        name: "an assert pins pending; pending → paid is listed",
        spec: tool(
          [loadOrder(), assertStatus("ok", "nodes.load.status == 'pending'"), transitionOrder("pay", "paid"), tx(["load", "ok", "pay"])],
          chain("load", "ok", "pay"),
        ),
      },
      {
        name: "the pinning assert sits on a branch the write does not need",
        spec: tool(
          [
            loadOrder(),
            ifFlag(),
            assertStatus("isPending", "nodes.load.status == 'pending'"),
            transitionOrder("ship", "shipped"),
            tx(["load", "check", "isPending", "ship"]),
          ],
          [
            ...chain("load", "check"),
            { from: "check", to: "isPending", when: true },
            { from: "check", to: "ship", when: false },
            { from: "isPending", to: "ship" },
          ],
        ),
      },
      {
        name: "a disjunction pins nothing",
        spec: tool(
          [
            loadOrder(),
            assertStatus("ok", "nodes.load.status == 'shipped' || nodes.load.status == 'paid'"),
            transitionOrder("cancel", "cancelled"),
            tx(["load", "ok", "cancel"]),
          ],
          chain("load", "ok", "cancel"),
        ),
      },
      {
        name: "the assert pins another row than the one written",
        spec: tool(
          [
            loadOrder(),
            loadOrder("other", { where: { code: "'x'" } }),
            assertStatus("ok", "nodes.other.status == 'shipped'"),
            transitionOrder("cancel", "cancelled"),
            tx(["load", "other", "ok", "cancel"]),
          ],
          chain("load", "other", "ok", "cancel"),
        ),
      },
    ],
  },
  R007: {
    triggers: [
      {
        name: "a retried POST without Idempotency-Key",
        spec: tool([http("notify", { method: "POST", body: "{'a': 1}", runs: "inFlow" })]),
        node: "notify",
      },
      {
        name: "a PATCH in a retry scope",
        spec: tool(
          [
            loadOrder(),
            http("patch", { method: "PATCH", retry: undefined, runs: "inFlow" }),
            { id: "again", type: "retry", nodes: ["load", "patch"], policy: { maxAttempts: 2 } },
          ],
          chain("load", "patch"),
        ),
        node: "patch",
      },
      {
        name: "a payment with a constant idempotency key",
        spec: tool([loadOrder(), charge("charge", { idempotencyKey: "'fixed-key'" })], chain("load", "charge")),
        node: "charge",
      },
      {
        name: "a payment whose key is an expression of constants",
        spec: tool([loadOrder(), charge("charge", { idempotencyKey: "'order-' + string(42)" })], chain("load", "charge")),
        node: "charge",
      },
    ],
    nearMisses: [
      {
        name: "a retried POST with a lower-case idempotency-key header",
        spec: tool([http("notify", { method: "POST", headers: { "idempotency-key": "'n-' + input.orderId" } })]),
      },
      { name: "a retried PUT (idempotent by definition)", spec: tool([http("put", { method: "PUT", body: "{'a': 1}" })]) },
      { name: "a POST attempted once", spec: tool([http("notify", { method: "POST", retry: undefined, runs: "inFlow" })]) },
      {
        name: "a retried POST after the commit (the outbox sends a key derived from its row)",
        spec: tool([http("notify", { method: "POST", body: "{'a': 1}" })]),
      },
      {
        name: "a payment key derived from the input",
        spec: tool([loadOrder(), charge("charge", { idempotencyKey: "'order-' + input.orderId" })], chain("load", "charge")),
      },
    ],
  },
  R008: {
    triggers: [
      {
        name: "a refund in the flow inside a transaction (its commit comes after it)",
        spec: tool(
          [loadOrder(), refund("refund", { runs: "inFlow" }), transitionOrder("cancel", "cancelled"), tx(["load", "refund", "cancel"])],
          chain("load", "refund", "cancel"),
        ),
        node: "refund",
      },
      {
        name: "an email in the flow, then a write",
        spec: tool([loadOrder(), email("mail", { runs: "inFlow" }), updateOrder(), tx(["save"])], chain("load", "mail", "save")),
        node: "mail",
      },
      {
        name: "a POST in the flow, then an assert that can fail",
        spec: tool(
          [
            http("notify", { method: "POST", runs: "inFlow", headers: { "Idempotency-Key": "input.orderId" } }),
            assertStatus("ok", "input.flag"),
          ],
          chain("notify", "ok"),
        ),
        node: "notify",
      },
    ],
    nearMisses: [
      {
        name: "a refund after the commit (the default for a refund)",
        spec: tool(
          [loadOrder(), refund(), transitionOrder("cancel", "cancelled"), tx(["load", "refund", "cancel"])],
          chain("load", "refund", "cancel"),
        ),
      },
      {
        name: "an email in the flow as the last step, outside any transaction",
        spec: tool([loadOrder(), updateOrder(), email("mail", { runs: "inFlow" }), tx(["load", "save"])], chain("load", "save", "mail")),
      },
      {
        name: "a GET in the flow before a transaction (a read undoes nothing)",
        spec: tool([http(), loadOrder(), updateOrder(), tx(["load", "save"])], chain("call", "load", "save")),
      },
      {
        name: "an email on the other branch than the write",
        spec: tool(
          [loadOrder(), ifFlag(), email("mail", { runs: "inFlow" }), updateOrder(), tx(["save"])],
          [...chain("load", "check"), { from: "check", to: "mail", when: true }, { from: "check", to: "save", when: false }],
        ),
      },
    ],
  },
  Y001: {
    triggers: [
      { name: "an email without retry", spec: tool([email("mail", { retry: undefined })]), node: "mail" },
      { name: "an http call without retry", spec: tool([http("call", { retry: undefined })]), node: "call" },
      {
        name: "a payment whose retry allows one attempt",
        spec: tool([loadOrder(), charge("charge", { retry: { maxAttempts: 1 } })], chain("load", "charge")),
        node: "charge",
      },
    ],
    nearMisses: [
      { name: "an email with retry", spec: tool([email()]) },
      {
        name: "an http call inside a retry scope",
        spec: tool(
          [
            loadOrder(),
            http("call", { retry: undefined }),
            { id: "again", type: "retry", nodes: ["load", "call"], policy: { maxAttempts: 3 } },
          ],
          chain("load", "call"),
        ),
      },
      { name: "a payment with three attempts", spec: tool([loadOrder(), charge()], chain("load", "charge")) },
    ],
  },
  Y002: {
    triggers: [
      { name: "an email without timeout", spec: tool([email("mail", { timeout: undefined })]), node: "mail" },
      { name: "an http call without timeout", spec: tool([http("call", { timeout: undefined })]), node: "call" },
      {
        name: "a payment without timeout, though its retry scope has one",
        spec: tool(
          [
            loadOrder(),
            charge("charge", { timeout: undefined }),
            { id: "again", type: "retry", nodes: ["load", "charge"], policy: { maxAttempts: 2 }, timeout: "5s" },
          ],
          chain("load", "charge"),
        ),
        node: "charge",
      },
    ],
    nearMisses: [
      { name: "an email with timeout", spec: tool([email()]) },
      { name: "an http call with timeout", spec: tool([http()]) },
      { name: "a payment with timeout", spec: tool([loadOrder(), charge()], chain("load", "charge")) },
    ],
  },
  Y003: {
    triggers: [
      {
        name: "a read with neither one nor limit",
        spec: tool([{ id: "all", type: "read", entity: "Order", where: { total: { gt: "0" } } }]),
        node: "all",
      },
      {
        name: "an update by a non-unique field",
        spec: tool([
          { id: "bulk", type: "write", entity: "Order", action: "update", where: { total: "0" }, set: { note: "'free'" } },
          tx(["bulk"]),
        ]),
        node: "bulk",
      },
      {
        name: "a transition with an empty where",
        spec: tool([{ id: "all", type: "write", entity: "Order", action: "transition", to: "cancelled" }, tx(["all"])]),
        node: "all",
      },
      {
        name: "a delete by a range",
        spec: tool([{ id: "old", type: "write", entity: "Order", action: "delete", where: { total: { lt: "1" } } }, tx(["old"])]),
        node: "old",
      },
    ],
    nearMisses: [
      { name: "a read with a limit", spec: tool([{ id: "some", type: "read", entity: "Order", limit: 50 }]) },
      {
        name: "a read by id without one (at most one row)",
        spec: tool([{ id: "byId", type: "read", entity: "Order", where: { id: "input.orderId" } }]),
      },
      {
        name: "an update by a unique field",
        spec: tool([
          { id: "byCode", type: "write", entity: "Order", action: "update", where: { code: "'c1'" }, set: { note: "'x'" } },
          tx(["byCode"]),
        ]),
      },
      {
        name: "an update with an empty where is R004's, not Y003's",
        spec: tool([{ id: "all", type: "write", entity: "Order", action: "update", set: { note: "'x'" } }, tx(["all"])]),
      },
    ],
  },
  Y004: {
    triggers: [
      {
        name: "a payment inside a transaction",
        spec: tool([loadOrder(), charge(), transitionOrder("pay", "paid"), tx(["load", "charge", "pay"])], chain("load", "charge", "pay")),
        node: "charge",
      },
      {
        name: "an email inside a transaction",
        spec: tool(
          [loadOrder(), email("mail", { runs: "inFlow" }), updateOrder(), tx(["load", "mail", "save"])],
          chain("load", "mail", "save"),
        ),
        node: "mail",
      },
      {
        name: "an http call in a retry scope inside a transaction",
        spec: tool(
          [
            loadOrder(),
            http(),
            updateOrder(),
            { id: "again", type: "retry", nodes: ["call"], policy: { maxAttempts: 2 } },
            tx(["load", "again", "save"]),
          ],
          chain("load", "call", "save"),
        ),
        node: "call",
      },
    ],
    nearMisses: [
      {
        name: "an email after the commit",
        spec: tool([loadOrder(), updateOrder(), email(), tx(["load", "save"])], chain("load", "save", "mail")),
      },
      {
        name: "an email inside a transaction that runs after the commit (the default): only its request is stored there",
        spec: tool([loadOrder(), email(), updateOrder(), tx(["load", "mail", "save"])], chain("load", "mail", "save")),
      },
      {
        name: "an http call before the transaction",
        spec: tool([http(), loadOrder(), updateOrder(), tx(["load", "save"])], chain("call", "load", "save")),
      },
      {
        name: "a payment in a retry scope, no transaction",
        spec: tool(
          [loadOrder(), charge(), { id: "again", type: "retry", nodes: ["charge"], policy: { maxAttempts: 2 } }],
          chain("load", "charge"),
        ),
      },
    ],
  },
  Y005: {
    triggers: [
      { name: "an http tool without timeout", spec: tool([loadOrder()], [], { timeout: undefined }), node: null },
      {
        name: "a scheduled tool without timeout",
        spec: tool([{ id: "some", type: "read", entity: "Order", limit: 10 }], [], {
          timeout: undefined,
          trigger: { schedule: { cron: "0 3 * * *" } },
          input: undefined,
          auth: undefined,
        }),
        node: null,
      },
      {
        name: "a webhook tool without timeout",
        spec: tool([loadOrder()], [], {
          timeout: undefined,
          trigger: { webhook: { path: "/hooks/x", secret: "HOOK_SECRET" } },
          auth: undefined,
        }),
        node: null,
      },
    ],
    nearMisses: [
      { name: "an http tool with timeout", spec: tool([loadOrder()]) },
      {
        name: "a scheduled tool with timeout",
        spec: tool([{ id: "some", type: "read", entity: "Order", limit: 10 }], [], {
          trigger: { schedule: { cron: "0 3 * * *" } },
          input: undefined,
          auth: undefined,
        }),
      },
      {
        name: "a webhook tool with timeout",
        spec: tool([loadOrder()], [], { trigger: { webhook: { path: "/hooks/x", secret: "HOOK_SECRET" } }, auth: undefined }),
      },
    ],
  },
  Y006: {
    triggers: [
      { name: "a public tool that creates", spec: tool([createOrder(), tx(["make"])], [], { auth: { public: true } }), node: null },
      {
        name: "a public tool with raw SQL writes",
        spec: tool([sql("bump", "write", 'UPDATE "order" SET total = 0'), tx(["bump"])], [], { auth: { public: true } }),
        node: null,
      },
      {
        name: "a public tool that transitions",
        spec: tool([loadOrder(), transitionOrder("pay", "paid"), tx(["load", "pay"])], chain("load", "pay"), { auth: { public: true } }),
        node: null,
      },
    ],
    nearMisses: [
      { name: "a public tool that only reads", spec: tool([loadOrder()], [], { auth: { public: true } }) },
      { name: "a tool with roles that writes", spec: tool([createOrder(), tx(["make"])]) },
      { name: "a public tool that only sends an email", spec: tool([email()], [], { auth: { public: true } }) },
    ],
  },
  Y007: {
    triggers: [
      { name: "a plain SELECT", spec: tool([sql("count", "read", 'SELECT count(*) AS n FROM "order"')]), node: "count" },
      {
        name: "a WITH … SELECT",
        spec: tool([sql("stats", "read", 'WITH t AS (SELECT total FROM "order") SELECT sum(total) FROM t')]),
        node: "stats",
      },
      {
        name: "a SELECT with 'delete' inside a literal",
        spec: tool([sql("q", "read", "SELECT id FROM \"order\" WHERE note <> 'delete'")]),
        node: "q",
      },
    ],
    nearMisses: [
      { name: "sql in write mode (R002)", spec: tool([sql("bump", "write", 'UPDATE "order" SET total = 0'), tx(["bump"])]) },
      { name: "read mode that deletes (R002)", spec: tool([sql("purge", "read", 'DELETE FROM "order"')]) },
      { name: "no sql at all", spec: tool([loadOrder()]) },
    ],
  },
  Y008: {
    triggers: [
      {
        name: "a scheduled tool that writes with idempotency: none",
        spec: tool([transitionOrder("all", "cancelled", { total: "0" }), tx(["all"])], [], {
          trigger: { schedule: { cron: "0 3 * * *" } },
          input: undefined,
          auth: undefined,
          idempotency: "none",
        }),
        node: null,
      },
      {
        name: "a webhook tool that writes with idempotency: none",
        spec: tool([loadOrder(), transitionOrder("pay", "paid"), tx(["load", "pay"])], chain("load", "pay"), {
          trigger: { webhook: { path: "/hooks/x", secret: "HOOK_SECRET" } },
          auth: undefined,
          idempotency: "none",
        }),
        node: null,
      },
      {
        name: "a scheduled tool with raw SQL writes and idempotency: none",
        spec: tool([sql("bump", "write", 'UPDATE "order" SET total = 0'), tx(["bump"])], [], {
          trigger: { schedule: { cron: "0 3 * * *" } },
          input: undefined,
          auth: undefined,
          idempotency: "none",
        }),
        node: null,
      },
    ],
    nearMisses: [
      {
        name: "a scheduled tool that writes with idempotency: required",
        spec: tool([transitionOrder("all", "cancelled", { total: "0" }), tx(["all"])], [], {
          trigger: { schedule: { cron: "0 3 * * *" } },
          input: undefined,
          auth: undefined,
          idempotency: "required",
        }),
      },
      {
        name: "a webhook tool with idempotency: none that only reads",
        spec: tool([loadOrder()], [], {
          trigger: { webhook: { path: "/hooks/x", secret: "HOOK_SECRET" } },
          auth: undefined,
          idempotency: "none",
        }),
      },
      { name: "an http tool that writes with idempotency: none", spec: tool([createOrder(), tx(["make"])], [], { idempotency: "none" }) },
    ],
  },
  Y009: {
    triggers: [
      {
        name: "5 attempts × 5s over a 20s timeout",
        spec: tool([email("mail", { runs: "inFlow", retry: { maxAttempts: 5, initialInterval: "100ms" } })]),
        node: "mail",
      },
      { name: "3 attempts at the default 10s per attempt over 20s", spec: tool([http("call", { timeout: undefined })]), node: "call" },
      {
        name: "a node's retries multiplied by its retry scope's",
        spec: tool(
          [
            loadOrder(),
            http("call", { timeout: "2s", retry: { maxAttempts: 2, initialInterval: "100ms" } }),
            { id: "again", type: "retry", nodes: ["load", "call"], policy: { maxAttempts: 3 } },
          ],
          chain("load", "call"),
          { timeout: "10s" },
        ),
        node: "call",
      },
    ],
    nearMisses: [
      { name: "3 × 5s + 300ms backoff within 20s", spec: tool([email()]) },
      {
        name: "5 attempts × 5s after the commit (the outbox delivers it; the deadline does not bound it)",
        spec: tool([email("mail", { retry: { maxAttempts: 5, initialInterval: "100ms" } })]),
      },
      {
        name: "a budget exactly equal to the timeout",
        spec: tool([email("mail", { retry: { maxAttempts: 2, initialInterval: "0ms" } })], [], { timeout: "10s" }),
      },
      { name: "one long attempt (no retry to budget)", spec: tool([http("call", { timeout: "30s", retry: undefined })]) },
    ],
  },
};
