/**
 * DDL + migration planning for N and 2N entities. Each entity is modelled on the example's
 * Reservation (fields of every kind, two relationships, a status machine, invariants, unique,
 * noOverlap, indexes); the new version renames, adds, retypes and drops in every tenth entity.
 * Target: under 2 s for 1,000 entities, time(2N)/time(N) ≤ 2.2.
 */
import { performance } from "node:perf_hooks";
import { compileEntities } from "../compiler/schema/compile";
import { freshSchemaSql } from "../compiler/schema/ddl";
import { planMigration } from "../compiler/migrations/plan";
import { loadSpecObjects } from "../loader/load";
import { entityList } from "../loader/model";
import type { EntitySpec } from "../language/entity";
import { median, type BenchResult } from "./result";

export const name = "schema: DDL + migration planning";

function entity(i: number, changed: boolean): Record<string, unknown> {
  const edit = changed && i % 10 === 0;
  return {
    kind: "Entity",
    name: `Booking${i}`,
    fields: {
      startDate: { type: "date", immutable: true },
      endDate: { type: "date" },
      guests: { type: edit ? "bigint" : "integer", min: 1, max: 12 },
      price: { type: "decimal", precision: 12, scale: 2, min: 0 },
      [edit ? "remarks" : "notes"]: { type: "string", maxLength: 2000, optional: true, ...(edit ? { renamedFrom: "notes" } : {}) },
      email: { type: "string", format: "email" },
      kind: { type: "enum", values: ["a", "b", "c"] },
      paymentId: { type: "string", optional: true },
      ...(edit ? { floor: { type: "integer", default: 0 } } : {}),
    },
    relationships: {
      owner: { kind: "belongsTo", entity: `Owner${i % 50}` },
      ...(i > 0 ? { previous: { kind: "belongsTo", entity: `Booking${i - 1}`, optional: true, onDelete: "setNull" } } : {}),
    },
    status: {
      initial: "pending",
      states: ["pending", "confirmed", "done", "cancelled"],
      transitions: [
        { from: "pending", to: "confirmed" },
        { from: ["pending", "confirmed"], to: "cancelled" },
        { from: "confirmed", to: "done" },
      ],
    },
    invariants: [
      { name: "endAfterStart", rule: "endDate > startDate", message: "m" },
      { name: "paid", rule: "status != 'confirmed' || paymentId != null", message: "m" },
      { name: "cheapForMany", rule: "guests < 10 || price < 1000", message: "m" },
    ],
    unique: [["owner", "startDate"]],
    noOverlap: [{ name: "apart", range: ["startDate", "endDate"], per: ["owner"], where: "status != 'cancelled'" }],
    indexes: edit ? [["status", "endDate"], ["floor"]] : [["status", "endDate"]],
    ...(edit ? { allowDataLoss: { reason: "bench" } } : {}),
  };
}

export function entities(n: number, changed: boolean): EntitySpec[] {
  const owners = Array.from({ length: 50 }, (_, i) => ({ kind: "Entity", name: `Owner${i}`, fields: { name: { type: "string" } } }));
  const loaded = loadSpecObjects([...owners, ...Array.from({ length: n }, (_, i) => entity(i, changed))]);
  if (!loaded.ok) throw new Error(`bench specs are invalid: ${loaded.diagnostics[0]?.message}`);
  return entityList(loaded.specs);
}

function timeOnce(before: EntitySpec[], after: EntitySpec[]): number {
  const start = performance.now();
  const { model, problems } = compileEntities(after);
  const sql = freshSchemaSql(model);
  const plan = planMigration(before, after);
  const ms = performance.now() - start;
  if (problems.length || sql.length === 0 || plan.steps.length === 0 || plan.blocked)
    throw new Error("the bench did not compile and plan what it should");
  return ms;
}

export async function run(n = 1000): Promise<BenchResult[]> {
  const small = [entities(n, false), entities(n, true)] as const;
  const large = [entities(2 * n, false), entities(2 * n, true)] as const;
  timeOnce(...small);
  timeOnce(...large);
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    smallTimes.push(timeOnce(...small));
    largeTimes.push(timeOnce(...large));
  }
  const tN = median(smallTimes);
  const t2N = median(largeTimes);
  const ratio = t2N / tN;
  return [
    { name: `DDL + migration plan, ${n} entities`, value: Math.round(tN), unit: "ms", target: "< 2000 ms", ok: tN < 2000 },
    { name: `DDL + migration plan, ${2 * n} entities`, value: Math.round(t2N), unit: "ms" },
    { name: "time(2N) / time(N)", value: Number(ratio.toFixed(2)), unit: "×", target: "≤ 2.2", ok: ratio <= 2.2 },
  ];
}

if (require.main === module) {
  run().then((results) => {
    for (const r of results)
      console.log(`${r.name}: ${r.value} ${r.unit}${r.target ? `  (target ${r.target}: ${r.ok ? "met" : "MISSED"})` : ""}`);
  });
}
