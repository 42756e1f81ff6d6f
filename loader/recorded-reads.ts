/**
 * Views of a SpecSet (and of any name-keyed map) that note every name a check looks up, and
 * whether it looked at all names (a "did you mean" over the keys). The incremental loader keeps
 * these notes as the check's dependencies: it need not know what checkEntity or checkTool consult,
 * so a check that starts reading something new is still re-run when that thing changes.
 */
import type { SpecSet } from "./model";

/** Dependency keys: `${scope}:${name}` for one name, `${scope}*` for the whole key list. */
export type DependencyKey = string;
export const nameKey = (scope: string, name: string): DependencyKey => `${scope}:${name}`;
export const allKey = (scope: string): DependencyKey => `${scope}*`;

/** The scopes a SpecSet's parts are recorded under. */
export const SCOPES = { entities: "entity", tools: "tool", policies: "policy", invalidNames: "invalid" } as const;

export class RecordedMap<V> implements ReadonlyMap<string, V> {
  constructor(
    private readonly inner: ReadonlyMap<string, V>,
    private readonly scope: string,
    private readonly reads: Set<DependencyKey>,
  ) {}
  get(name: string): V | undefined {
    this.reads.add(nameKey(this.scope, name));
    return this.inner.get(name);
  }
  has(name: string): boolean {
    this.reads.add(nameKey(this.scope, name));
    return this.inner.has(name);
  }
  get size(): number {
    this.reads.add(allKey(this.scope));
    return this.inner.size;
  }
  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
  entries(): MapIterator<[string, V]> {
    this.reads.add(allKey(this.scope));
    return this.inner.entries();
  }
  keys(): MapIterator<string> {
    this.reads.add(allKey(this.scope));
    return this.inner.keys();
  }
  values(): MapIterator<V> {
    this.reads.add(allKey(this.scope));
    return this.inner.values();
  }
  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}

export class RecordedSet implements ReadonlySet<string> {
  constructor(
    private readonly inner: ReadonlySet<string>,
    private readonly scope: string,
    private readonly reads: Set<DependencyKey>,
  ) {}
  has(name: string): boolean {
    this.reads.add(nameKey(this.scope, name));
    return this.inner.has(name);
  }
  get size(): number {
    this.reads.add(allKey(this.scope));
    return this.inner.size;
  }
  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const name of this.values()) callback.call(thisArg, name, name, this);
  }
  entries(): SetIterator<[string, string]> {
    this.reads.add(allKey(this.scope));
    return this.inner.entries();
  }
  keys(): SetIterator<string> {
    return this.values();
  }
  values(): SetIterator<string> {
    this.reads.add(allKey(this.scope));
    return this.inner.values();
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
}

/** A SpecSet whose every lookup is noted in `reads`. */
export function recordedSpecSet(specs: SpecSet, reads: Set<DependencyKey>): SpecSet {
  return {
    entities: new RecordedMap(specs.entities, SCOPES.entities, reads),
    tools: new RecordedMap(specs.tools, SCOPES.tools, reads),
    policies: new RecordedMap(specs.policies, SCOPES.policies, reads),
    invalidNames: new RecordedSet(specs.invalidNames, SCOPES.invalidNames, reads),
  };
}
