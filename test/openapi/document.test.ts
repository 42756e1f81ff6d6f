/**
 * The generator on small tool specs: where each input field goes (path, query, body), the
 * Idempotency-Key header, the security of public, bearer and webhook tools, scheduled tools left
 * out, and the error responses per status from the catalogue and the tool's declared errors.
 */
import { execFileSync } from "node:child_process";
import { EXECUTOR_ERRORS } from "../../contracts/error-catalogue";
import type { ToolSpec } from "../../language/tool";
import { openApiDocument } from "../../openapi/document";
import { runCli } from "../../cli/main";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- reading a generated document

const transform = [{ id: "out", type: "transform", value: "1" }] as ToolSpec["flow"]["nodes"];

function tool(name: string, rest: Partial<ToolSpec>): ToolSpec {
  return { kind: "Tool", name, trigger: { http: { method: "POST", path: `/${name}` } }, flow: { nodes: transform }, ...rest } as ToolSpec;
}

function document(tools: ToolSpec[], idempotency: Record<string, "required" | "optional" | "none"> = {}): Json {
  const plans = Object.fromEntries(tools.map((t) => [t.name, { idempotency: idempotency[t.name] ?? t.idempotency ?? "optional" }]));
  return openApiDocument({ title: "test", version: "1", tools, plans }) as Json;
}

const op = (doc: Json, path: string, method = "post"): Json => doc.paths[path][method];
const param = (operation: Json, name: string): Json | undefined => (operation.parameters ?? []).find((p: Json) => p.name === name);
const codesAt = (operation: Json, status: number): string[] =>
  operation.responses[String(status)]?.content["application/json"].schema.allOf[1].properties.error.properties.code.enum ?? [];

describe("openApiDocument", () => {
  it("binds `{name}` path segments to input fields: required path parameters, the rest in the body", () => {
    const doc = document([
      tool("move", {
        trigger: { http: { method: "POST", path: "/rooms/{roomId}/move" } },
        input: {
          roomId: { type: "uuid" },
          guests: { type: "integer", min: 1, max: 12 },
          note: { type: "string", maxLength: 50, optional: true },
          email: { type: "string", format: "email" },
          code: { type: "string", pattern: "[A-Z]{3}" },
          price: { type: "decimal", precision: 10, scale: 2, min: 0.01 },
          day: { type: "date" },
          kind: { type: "enum", values: ["a", "b"], optional: true },
        },
      }),
    ]);
    const operation = op(doc, "/rooms/{roomId}/move");
    expect(param(operation, "roomId")).toEqual({ name: "roomId", in: "path", required: true, schema: { type: "string", format: "uuid" } });
    const body = operation.requestBody.content["application/json"].schema;
    expect(Object.keys(body.properties)).toEqual(["guests", "note", "email", "code", "price", "day", "kind"]);
    expect(body.required).toEqual(["guests", "email", "code", "price", "day"]);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.guests).toEqual({ type: "integer", format: "int32", minimum: 1, maximum: 12 });
    expect(body.properties.note).toEqual({ type: ["string", "null"], maxLength: 50 });
    expect(body.properties.email).toMatchObject({ type: "string", format: "email" });
    expect(body.properties.code.pattern).toBe("^(?:[A-Z]{3})$");
    expect(body.properties.price).toMatchObject({ type: ["number", "string"], minimum: 0.01 });
    expect(body.properties.day).toEqual({ type: "string", format: "date" });
    expect(body.properties.kind).toEqual({ type: ["string", "null"], enum: ["a", "b", null] });
    expect(operation.requestBody.required).toBe(true);
  });

  it("reads GET input from the query string, optional fields not required", () => {
    const doc = document([
      tool("list", {
        trigger: { http: { method: "GET", path: "/items" } },
        input: { status: { type: "enum", values: ["open", "closed"], optional: true }, limit: { type: "integer" } },
        idempotency: "none",
      }),
    ]);
    const operation = op(doc, "/items", "get");
    expect(operation.requestBody).toBeUndefined();
    expect(param(operation, "status")).toEqual({
      name: "status",
      in: "query",
      required: false,
      schema: { type: "string", enum: ["open", "closed"] },
    });
    expect(param(operation, "limit")).toMatchObject({ in: "query", required: true, schema: { type: "integer" } });
  });

  it("has the Idempotency-Key header: required, optional, or absent for `none`", () => {
    const doc = document([
      tool("a", { idempotency: "required" }),
      tool("b", { idempotency: "optional" }),
      tool("c", { idempotency: "none" }),
    ]);
    expect(param(op(doc, "/a"), "Idempotency-Key")).toMatchObject({ in: "header", required: true });
    expect(param(op(doc, "/b"), "Idempotency-Key")).toMatchObject({ in: "header", required: false });
    expect(param(op(doc, "/c"), "Idempotency-Key")).toBeUndefined();
    expect(codesAt(op(doc, "/a"), 400)).toContain("IDEMPOTENCY_KEY_REQUIRED");
    expect(codesAt(op(doc, "/b"), 400)).not.toContain("IDEMPOTENCY_KEY_REQUIRED");
    expect(codesAt(op(doc, "/b"), 409)).toEqual(["IDEMPOTENCY_CONFLICT", "IDEMPOTENCY_IN_FLIGHT"]);
    expect(op(doc, "/c").responses["409"]).toBeUndefined();
    // The plan's idempotency decides (the compiler's default when the tool names none).
    expect(param(op(document([tool("d", {})], { d: "required" }), "/d"), "Idempotency-Key")?.required).toBe(true);
  });

  it("secures tools with a bearer JWT; a public tool requires none (a token it is sent is still verified)", () => {
    const doc = document([tool("open", { auth: { public: true } }), tool("staffOnly", { auth: { roles: ["staff"] } })]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
    expect(op(doc, "/open").security).toEqual([{}, { bearerAuth: [] }]);
    expect(op(doc, "/staffOnly").security).toEqual([{ bearerAuth: [] }]);
    expect(op(doc, "/open").responses["403"]).toBeUndefined();
    expect(codesAt(op(doc, "/staffOnly"), 403)).toEqual(["FORBIDDEN"]);
  });

  it("signs webhooks with the Fascia-Signature header, and uses no Idempotency-Key (the event id is the key)", () => {
    const doc = document([
      tool("hook", {
        trigger: { webhook: { path: "/hooks/pay", secret: "HOOK_SECRET" } },
        input: { id: { type: "string" } },
        idempotency: "required",
      }),
    ]);
    const operation = op(doc, "/hooks/pay");
    expect(operation.security).toEqual([{ webhookSignature: [] }]);
    expect(doc.components.securitySchemes.webhookSignature).toMatchObject({ type: "apiKey", in: "header", name: "Fascia-Signature" });
    expect(param(operation, "Idempotency-Key")).toBeUndefined();
    expect(operation.requestBody.content["application/json"].schema.required).toEqual(["id"]);
  });

  it("leaves scheduled tools out of the paths and says so", () => {
    const doc = document([tool("nightly", { trigger: { schedule: { cron: "0 3 * * *" } } }), tool("visible", {})]);
    expect(Object.keys(doc.paths)).toEqual(["/visible"]);
    expect(doc.info.description).toMatch(/Scheduled tools \(nightly\)/);
  });

  it("answers each error status with the codes the tool can meet: the catalogue's and its own", () => {
    const nodes = [
      { id: "load", type: "read", entity: "Room", where: { id: "input.id" }, one: true },
      { id: "open", type: "assert", condition: "nodes.load.open", error: { code: "ROOM_CLOSED", status: 409, message: "closed" } },
      { id: "mine", type: "policyCheck", rule: "true", error: { code: "NOT_YOURS", status: 403, message: "not yours" } },
      { id: "pay", type: "payment", action: "charge", amount: "1", currency: "'eur'", customer: "'c'" },
      { id: "save", type: "write", entity: "Room", action: "update", where: { id: "input.id" }, set: { open: "false" } },
    ] as unknown as ToolSpec["flow"]["nodes"];
    const doc = document([tool("book", { input: { id: { type: "uuid" } }, flow: { nodes }, policies: ["notSuspended"] })]);
    const operation = op(doc, "/book");
    expect(codesAt(operation, 409)).toEqual(["IDEMPOTENCY_CONFLICT", "IDEMPOTENCY_IN_FLIGHT", "CONFLICT", "ROOM_CLOSED"]);
    expect(codesAt(operation, 403)).toEqual(["POLICY_DENIED", "NOT_YOURS"]);
    expect(codesAt(operation, 402)).toEqual(["PAYMENT_DECLINED"]);
    expect(codesAt(operation, 404)).toEqual(["NOT_FOUND"]);
    expect(codesAt(operation, 422)).toEqual(["EXPRESSION_FAILED", "INVARIANT_VIOLATED", "INVALID_TRANSITION", "INVALID_REFERENCE"]);
    expect(codesAt(operation, 502)).toEqual(["UPSTREAM_FAILED"]);
    expect(operation.responses["409"].description).toContain("`ROOM_CLOSED`: closed (declared by the tool)");
    expect(operation.responses["429"].headers["Retry-After"]).toBeDefined();
    // Every status answered is the catalogue's status for its codes; every response names the invocation id.
    for (const [status, response] of Object.entries(operation.responses) as [string, Json][]) {
      expect(response.headers["X-Fascia-Invocation-Id"]).toEqual({ $ref: "#/components/headers/InvocationId" });
      for (const code of status === "200" ? [] : codesAt(operation, Number(status)))
        if (code in EXECUTOR_ERRORS) expect(EXECUTOR_ERRORS[code as keyof typeof EXECUTOR_ERRORS].status).toBe(Number(status));
    }
    // A tool with no writes, charges or reads meets none of their codes.
    const plain = op(document([tool("plain", { idempotency: "none" })]), "/plain");
    expect(Object.keys(plain.responses)).toEqual(["200", "400", "401", "413", "422", "429", "431", "500", "503", "504", "408"].sort());
  });

  it("describes a map-literal output as an object with those keys", () => {
    const doc = document([tool("out", { output: "{'id': nodes.out, 'ok': true}" }), tool("bare", {})]);
    expect(op(doc, "/out").responses["200"].content["application/json"].schema).toEqual({
      type: "object",
      properties: { id: {}, ok: {} },
      required: ["id", "ok"],
      additionalProperties: false,
    });
    expect(op(doc, "/bare").responses["200"].content["application/json"].schema).toEqual({ type: "object", additionalProperties: false });
  });

  it("loads neither the YAML parser nor zod (a governed executor serves it)", () => {
    const probe =
      "require('./openapi/document'); console.log(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](zod|yaml)[\\\\/]/.test(k)).length)";
    const out = execFileSync(process.execPath, ["-r", "tsx/cjs", "-e", probe], {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(out.trim()).toBe("0");
  });
});

describe("fascia openapi", () => {
  const io = (out: string[], err: string[]) => ({ out: (t: string) => out.push(t), err: (t: string) => err.push(t), isTTY: false });

  it("prints the document of a spec directory", async () => {
    const out: string[] = [];
    expect(await runCli(["openapi", "examples/reservations"], io(out, []))).toBe(0);
    const doc = JSON.parse(out.join("\n")) as Json;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/reservations/{reservationId}/confirm");
  });

  it("refuses invalid specs with their diagnostics (exit 1) and a missing dir (exit 2)", async () => {
    const err: string[] = [];
    expect(await runCli(["openapi", "test/loader/corpus/fs018-cycle"], io([], err))).toBe(1);
    expect(err.join("\n")).toMatch(/error FS018: .*cycle/);
    expect(err.join("\n")).toMatch(/fascia openapi: .* fix them first/);
    expect(await runCli(["openapi", "no/such/dir"], io([], []))).toBe(2);
  });
});
