import { loadSpecObjects } from "../../loader/load";

const tool = (name: string, trigger: object) => ({
  kind: "Tool",
  name,
  trigger,
  timeout: "1s",
  flow: { nodes: [{ id: "t", type: "transform", value: "1" }] },
});

describe("routes the executor keeps for itself", () => {
  it("refuses tools on /healthz, /readyz, /metrics, /_fascia/… and /_dev/…", () => {
    const result = loadSpecObjects([
      tool("health", { http: { method: "GET", path: "/healthz" } }),
      tool("metricsToo", { http: { method: "GET", path: "/metrics/" } }),
      tool("scheduledLookalike", { http: { method: "POST", path: "/_fascia/scheduled/x" } }),
      tool("devRun", { webhook: { path: "/_dev/run/x", secret: "HOOK" } }),
      tool("fine", { http: { method: "GET", path: "/healthzone" } }),
    ]);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`).sort()).toEqual([
      "FS033 /_dev/run/x is reserved by the executor",
      "FS033 /_fascia/scheduled/x is reserved by the executor",
      "FS033 /healthz is reserved by the executor",
      "FS033 /metrics/ is reserved by the executor",
    ]);
  });
});
