/**
 * Loading (parse + validate + check every reference and CEL expression) of N entities and N tools,
 * one YAML file each, for N = 1,000 and 2,000. Realistic documents: entities with nine fields, a
 * belongsTo, a status machine, two invariants, unique and index constraints; tools with six nodes
 * (read under lock, assert, if, two writes, email) inside a transaction. Target (issue 2): 1,000
 * entities + 1,000 tools in under 2 s; time(2N)/time(N) ≤ 2.2 (the loader stays linear).
 */
import { performance } from "node:perf_hooks";
import { loadSpecSources, type SpecSource } from "../loader/load";
import { median, type BenchResult } from "./result";

export const name = "spec load";

const POLICIES = `kind: Policy
name: notSuspended
rule: "!('suspended' in caller.roles)"
message: suspended accounts cannot change anything
---
kind: Policy
name: isStaff
rule: "'staff' in caller.roles"
`;

function entity(i: number): string {
  const parent = i > 0 ? `\nrelationships:\n  parent: { kind: belongsTo, entity: Item${i - 1}, optional: true, onDelete: setNull }` : "";
  return `kind: Entity
name: Item${i}
description: Item number ${i} of the benchmark catalogue
fields:
  title:     { type: string, minLength: 1, maxLength: 200 }
  code:      { type: string, maxLength: 20, unique: true, immutable: true }
  quantity:  { type: integer, min: 0, max: 1000000 }
  price:     { type: decimal, precision: 12, scale: 2, min: 0 }
  startsOn:  { type: date }
  endsOn:    { type: date }
  notes:     { type: string, maxLength: 2000, optional: true }
  contact:   { type: string, format: email, pii: true }
  tier:      { type: enum, values: [basic, plus, premium], default: basic }${parent}
status:
  initial: draft
  states: [draft, active, archived]
  transitions:
    - { from: draft, to: active }
    - { from: active, to: draft }
    - { from: [draft, active], to: archived }
invariants:
  - { name: endsAfterStart, rule: "endsOn >= startsOn", message: "the end date is before the start date" }
  - { name: pricedWhenActive, rule: "status != 'active' || price > 0", message: "an active item has a price" }
unique:
  - [code, startsOn]
indexes:
  - [status, endsOn]
`;
}

function tool(i: number): string {
  return `kind: Tool
name: activateItem${i}
description: Activate a draft item, restock it and tell its contact
trigger:
  http: { method: POST, path: "/items${i}/{itemId}/activate" }
input:
  itemId:   { type: uuid }
  quantity: { type: integer, min: 1, optional: true }
auth: { roles: [staff, owner] }
policies: [notSuspended]
timeout: 10s
idempotency: required
output: "{'id': nodes.activate.id, 'status': nodes.activate.status, 'quantity': nodes.activate.quantity}"
flow:
  nodes:
    - { id: load, type: read, entity: Item${i}, where: { id: "input.itemId" }, one: true, lock: update }
    - { id: mustBeDraft, type: assert, condition: "nodes.load.status == 'draft' && nodes.load.endsOn >= date(now)",
        error: { code: NOT_DRAFT, status: 409, message: "only a current draft item can be activated" } }
    - { id: restock, type: if, condition: "input.quantity != null && input.quantity > nodes.load.quantity" }
    - { id: setQuantity, type: write, entity: Item${i}, action: update, where: { id: "nodes.load.id" },
        set: { quantity: "input.quantity == null ? nodes.load.quantity : input.quantity" } }
    - { id: activate, type: write, entity: Item${i}, action: transition, where: { id: "nodes.load.id" }, to: active }
    - { id: notify, type: email, to: "nodes.load.contact", subject: "'Item ' + nodes.load.code + ' is active'",
        body: "'Hello, ' + nodes.load.title + ' is now available (' + string(nodes.activate.quantity) + ' in stock).'" }
    - { id: tx, type: transaction, nodes: [load, mustBeDraft, restock, setQuantity, activate] }
  edges:
    - { from: load, to: mustBeDraft }
    - { from: mustBeDraft, to: restock }
    - { from: restock, to: setQuantity, when: true }
    - { from: restock, to: activate, when: false }
    - { from: setQuantity, to: activate }
    - { from: activate, to: notify }
`;
}

/** N entity files, N tool files and one policy file, as an app's spec directory would hold them. */
export function specSources(n: number): SpecSource[] {
  const sources: SpecSource[] = [{ file: "policies.yaml", text: POLICIES }];
  for (let i = 0; i < n; i++) sources.push({ file: `entities/item${i}.yaml`, text: entity(i) });
  for (let i = 0; i < n; i++) sources.push({ file: `tools/activate-item${i}.yaml`, text: tool(i) });
  return sources;
}

function timeLoad(sources: readonly SpecSource[]): number {
  const start = performance.now();
  const result = loadSpecSources(sources);
  const ms = performance.now() - start;
  if (!result.ok)
    throw new Error(
      `benchmark specs are invalid: ${result.diagnostics
        .slice(0, 3)
        .map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`)
        .join("; ")}`,
    );
  return ms;
}

export async function run(n = 1000, repeats = 5): Promise<BenchResult[]> {
  const small = specSources(n);
  const large = specSources(2 * n);
  timeLoad(small); // warm-up: JIT, zod's compiled parsers, cel-js caches
  timeLoad(large);
  // Interleaved, so drift (GC, CPU frequency, a neighbour's load) hits both sizes alike.
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    smallTimes.push(timeLoad(small));
    largeTimes.push(timeLoad(large));
  }
  const tN = median(smallTimes);
  const t2N = median(largeTimes);
  const ratio = t2N / tN;
  return [
    { name: `load ${n} entities + ${n} tools`, value: Math.round(tN), unit: "ms", target: "< 2000 ms", ok: tN < 2000 },
    { name: `load ${2 * n} entities + ${2 * n} tools`, value: Math.round(t2N), unit: "ms" },
    { name: "time(2N) / time(N)", value: Number(ratio.toFixed(2)), unit: "×", target: "≤ 2.2", ok: ratio <= 2.2 },
  ];
}
