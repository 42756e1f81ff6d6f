/**
 * Preview-time governance, under Pulumi mocks in preview mode: a Red tool and an unacknowledged
 * Yellow tool throw from the constructor with their rule ids (which fails `pulumi preview`);
 * an acknowledged Yellow deploys with a warning; invalid specs throw with their diagnostics.
 */
import * as pulumi from "@pulumi/pulumi";
import { FasciaDeployment } from "../../components/fascia-deployment";
import { FasciaTool } from "../../components/fascia-tool";
import { createRecordingMocks, settle, valueOf } from "./support/recording-mocks";
import { ACKED_TOOL, GREEN_TOOL, IMAGE, ITEM, RED_TOOL, YELLOW_TOOL } from "./support/small-app";

const { mocks, resources } = createRecordingMocks("acme", "europe-west1");
let warn: jest.SpyInstance;

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, "fascia", "dev", true);
});
beforeEach(() => {
  // Observed, not replaced: the SDK's own log.warn still runs.
  warn = jest.spyOn(pulumi.log, "warn");
});
afterEach(() => warn.mockRestore());

test("a Red tool throws a ResourceError naming its rule ids, node and hint", () => {
  let error: unknown;
  try {
    new FasciaTool("add", { spec: RED_TOOL, entities: [ITEM] });
  } catch (e) {
    error = e;
  }
  expect(pulumi.ResourceError.isInstance(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).toContain("tool addItem may not deploy: it is RED (R001)");
  expect(message).toMatch(/R001 red at node create: .+\n\s+hint: /);
});

test("a Yellow tool with an unacknowledged finding throws with the rule id", () => {
  expect(() => new FasciaTool("slow", { spec: YELLOW_TOOL, entities: [ITEM] })).toThrow(
    /tool addItemNoTimeout may not deploy: it is YELLOW with 1 unacknowledged finding[\s\S]*Y005 yellow at the tool/,
  );
});

test("an acknowledged Yellow tool deploys and logs a warning with the finding and its reason", async () => {
  const tool = new FasciaTool("acked", { spec: ACKED_TOOL, entities: [ITEM], serviceUrl: "https://svc.example" });
  expect(await valueOf(tool.risk)).toBe("yellow");
  expect(await valueOf(tool.endpoint)).toBe("https://svc.example/items/acked");
  expect(warn).toHaveBeenCalledTimes(1);
  const [message, resource] = warn.mock.calls[0]!;
  expect(message).toContain("tool addItemAcked is YELLOW, deployed with acknowledged findings");
  expect(message).toContain("Y005 yellow at the tool");
  expect(message).toMatch(/Y005 yellow at the tool: .+ \[acknowledged\]\n\s+hint: .+\n\s+reason: the caller's own deadline bounds it/);
  expect(resource).toBe(tool);
});

test("a Green tool deploys without a warning", async () => {
  const tool = new FasciaTool("green", { spec: GREEN_TOOL, entities: [ITEM] });
  expect(await valueOf(tool.risk)).toBe("green");
  expect(await valueOf(tool.riskReport)).toEqual({ name: "addItemGreen", risk: "green", deployable: true, findings: [] });
  expect(warn).not.toHaveBeenCalled();
});

test("a deployment with a Red tool throws before creating any cloud resource, listing every refused tool", async () => {
  await settle();
  const before = resources.length;
  expect(
    () =>
      new FasciaDeployment("shop", {
        specs: [ITEM, RED_TOOL, YELLOW_TOOL, GREEN_TOOL],
        image: IMAGE,
        project: "acme",
        region: "europe-west1",
      }),
  ).toThrow(
    /2 of 3 tools may not deploy:\ntool addItem may not deploy: it is RED \(R001\)[\s\S]*tool addItemNoTimeout may not deploy[\s\S]*Y005/,
  );
  await settle();
  // Only the component itself was registered, no child.
  expect(resources.slice(before).map((r) => r.type)).toEqual(["fascia:index:FasciaDeployment"]);
});

test("invalid specs throw with every diagnostic, file:line:col code message", () => {
  const broken = {
    ...GREEN_TOOL,
    flow: { nodes: [{ id: "create", type: "write", entity: "Itme", action: "create", set: { title: "input.title" } }] },
  };
  expect(() => new FasciaTool("broken", { spec: broken as never, entities: [ITEM] })).toThrow(
    /FasciaTool broken has 1 spec error:\n\s+FasciaTool broken \(Tool addItemGreen\):\d+:\d+: error FS009: unknown entity "Itme"; did you mean "Item"\?/,
  );
});

test("argument errors name the input: image by digest, missing secrets, pool that cannot fit", () => {
  const specs = [ITEM, GREEN_TOOL];
  expect(() => new FasciaDeployment("a", { specs, image: "gcr.io/acme/executor:latest", project: "acme", region: "europe-west1" })).toThrow(
    /`image` must name the executor image by digest/,
  );
  expect(() => new FasciaDeployment("b", { specs, image: IMAGE, project: "acme", region: "europe-west1", secrets: { NOPE: "x" } })).toThrow(
    /`NOPE` is named by no spec/,
  );
  expect(
    () =>
      new FasciaDeployment("c", {
        specs,
        image: IMAGE,
        project: "acme",
        region: "europe-west1",
        database: { tier: "db-f1-micro" },
        service: { maxInstances: 50 },
      }),
  ).toThrow(
    /`service.maxInstances` = 50 leaves no database connection per instance: each needs 2 besides its pool, and the instance allows 25 connections/,
  );
  expect(
    () => new FasciaDeployment("d", { specs, specDir: "examples/reservations", image: IMAGE, project: "acme", region: "europe-west1" }),
  ).toThrow(/exactly one of `specs` or `specDir`/);
});
