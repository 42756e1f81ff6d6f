/**
 * Well-typed CEL expressions built from the terms visible at a place in a spec (row fields in an
 * invariant; input, caller, now, secrets and earlier nodes in a flow).
 */
import type { FieldSpec, InputFieldSpec } from "../../../language/field";
import type { Choices } from "./choices";
import { CEL_KEYWORDS, NOT_BARE } from "./names";

export type CelKind = "string" | "int" | "double" | "decimal" | "bool" | "timestamp";
/** What a value means, beyond its CEL type: a uuid column wants a uuid, not any string. */
export type Meaning = CelKind | "uuid" | "date" | "enum" | "json";

export interface Term {
  text: string;
  cel: CelKind | "dyn";
  meaning: Meaning;
  /** An optional field: `dyn<T>`, compared with null before use. */
  nullable: boolean;
}

const KIND_OF: Record<FieldSpec["type"], CelKind | "dyn"> = {
  string: "string",
  uuid: "string",
  date: "string",
  enum: "string",
  integer: "int",
  bigint: "int",
  decimal: "decimal",
  number: "double",
  boolean: "bool",
  datetime: "timestamp",
  json: "dyn",
};
const MEANING_OF: Record<FieldSpec["type"], Meaning> = {
  string: "string",
  uuid: "uuid",
  date: "date",
  enum: "enum",
  integer: "int",
  bigint: "int",
  decimal: "decimal",
  number: "double",
  boolean: "bool",
  datetime: "timestamp",
  json: "json",
};
const STRING_CHARS = ["a", "Z", "0", " ", "_", ".", ":", "/", "-", "#", '"', "é", "🙂", "\\", "'"];
const CEL_KINDS: readonly CelKind[] = ["string", "int", "double", "decimal", "bool", "timestamp"];

export function fieldTerm(text: string, field: FieldSpec | InputFieldSpec): Term {
  return { text, cel: KIND_OF[field.type], meaning: MEANING_OF[field.type], nullable: field.optional === true };
}

/** Whether an expression can name this field bare (`status`) or only after a dot (`input.type`). */
export function canName(name: string, bare: boolean): boolean {
  return !(bare ? NOT_BARE : CEL_KEYWORDS).has(name);
}

export class Expressions {
  constructor(
    private readonly c: Choices,
    private readonly terms: readonly Term[],
    private readonly opts: { now: boolean; caller: boolean },
  ) {}

  /** An expression of the given CEL type. */
  of(kind: CelKind, depth = 2): string {
    const options: (() => string)[] = [() => this.literal(kind)];
    const direct = this.terms.filter((t) => t.cel === kind && !t.nullable);
    if (direct.length) options.push(() => this.c.pick(direct).text);
    if (depth > 0) options.push(() => this.compound(kind, depth - 1));
    if (kind === "timestamp" && this.opts.now) options.push(() => "now");
    return this.c.pick(options)();
  }

  /** Any well-typed expression, with its kind. */
  any(depth = 2): { text: string; kind: CelKind } {
    const kind = this.c.pick(CEL_KINDS);
    return { text: this.of(kind, depth), kind };
  }

  /** A value to store in a field of this definition: literals and terms of the same meaning. */
  valueFor(field: FieldSpec | InputFieldSpec): string {
    const meaning = MEANING_OF[field.type];
    const same = this.terms.filter((t) => t.meaning === meaning && (field.optional || !t.nullable));
    if (same.length && this.c.chance(50)) return this.c.pick(same).text;
    switch (field.type) {
      case "enum":
        return quote(this.c.pick(field.values));
      case "uuid":
        return this.c.chance(50) && this.opts.caller ? "caller.id" : quote(this.c.uuid());
      case "date":
        return quote(this.date());
      case "json":
        return this.c.chance(50) ? `{'k': ${this.any(1).text}}` : this.any(1).text;
      case "boolean":
        return this.of("bool");
      case "integer":
      case "bigint":
        return this.of("int");
      case "decimal":
        return this.of("decimal");
      case "number":
        return this.of("double");
      case "datetime":
        return this.of("timestamp");
      case "string":
        return this.of("string");
    }
  }

  literal(kind: CelKind): string {
    switch (kind) {
      case "string":
        return quote(Array.from({ length: this.c.int(0, 8) }, () => this.c.pick(STRING_CHARS)).join(""));
      case "int":
        return String(this.c.int(-1000, 100_000));
      case "double":
        return `${this.c.int(-999, 9999)}.${this.c.int(0, 99)}`;
      case "decimal":
        return `decimal('${this.c.int(-999, 9999)}.${String(this.c.int(0, 99)).padStart(2, "0")}')`;
      case "bool":
        return this.c.pick(["true", "false"]);
      case "timestamp":
        return `timestamp('${this.date()}T${String(this.c.int(0, 23)).padStart(2, "0")}:30:00Z')`;
    }
  }

  private date(): string {
    return `20${this.c.int(20, 39)}-${String(this.c.int(1, 12)).padStart(2, "0")}-${String(this.c.int(1, 28)).padStart(2, "0")}`;
  }

  private compound(kind: CelKind, depth: number): string {
    const sub = (k: CelKind) => this.of(k, depth);
    switch (kind) {
      case "string":
        return this.c.pick([
          () => `(${sub("string")} + ${sub("string")})`,
          () => `string(${sub("int")})`,
          () => `(${sub("bool")} ? ${sub("string")} : ${sub("string")})`,
        ])();
      case "int":
        return this.c.pick([
          () => `(${sub("int")} + ${sub("int")})`,
          () => `(${sub("int")} * ${sub("int")})`,
          () => `size(${sub("string")})`,
          () => `int(${sub("double")})`,
          () => `minorUnits(${sub("decimal")}, 'eur')`,
          ...this.nullableGuard("int"),
        ])();
      case "double":
        return this.c.pick([
          () => `(${sub("double")} + ${sub("double")})`,
          () => `double(${sub("int")})`,
          () => `double(${sub("decimal")})`,
        ])();
      case "decimal":
        // Decimals mix with ints, never with doubles without a conversion.
        return this.c.pick([
          () => `(${sub("decimal")} + ${sub("decimal")})`,
          () => `(${sub("decimal")} - ${sub("int")})`,
          () => `(${sub("decimal")} * ${sub("int")})`,
          () => `${this.c.pick(["round", "floor", "ceil"])}(${sub("decimal")}, ${this.c.int(0, 4)})`,
          () => `decimal(${sub("double")})`,
          ...this.nullableGuard("decimal"),
        ])();
      case "bool":
        return this.c.pick([
          () => this.comparison(depth),
          () => `!(${sub("bool")})`,
          () => `(${sub("bool")} && ${sub("bool")})`,
          () => `(${sub("bool")} || ${sub("bool")})`,
          () => `(${sub("string")} in [${this.literal("string")}, ${this.literal("string")}])`,
          () => `${sub("string")}.startsWith(${this.literal("string")})`,
          () => `${sub("string")}.matches('^[a-z]*$')`,
          ...this.nullChecks(),
          ...(this.opts.caller
            ? [() => `(${this.literal("string")} in caller.roles)`, () => `(size(caller.roles) > ${this.c.int(0, 3)})`]
            : []),
        ])();
      case "timestamp":
        return `(${sub("timestamp")} + duration('${this.c.int(1, 48)}h'))`;
    }
  }

  private comparison(depth: number): string {
    const kind = this.c.pick(CEL_KINDS);
    const op = kind === "bool" ? this.c.pick(["==", "!="]) : this.c.pick(["==", "!=", "<", "<=", ">", ">="]);
    return `(${this.of(kind, depth)} ${op} ${this.of(kind, depth)})`;
  }

  /** `(x == null || x > 3)`: how an optional value is used safely. */
  private nullChecks(): (() => string)[] {
    const nullable = this.terms.filter((t) => t.nullable && t.cel !== "dyn");
    if (!nullable.length) return [];
    return [
      () => {
        const t = this.c.pick(nullable);
        const kind = t.cel as CelKind;
        const op = kind === "bool" ? "==" : this.c.pick(["==", "!=", "<", ">="]);
        return `(${t.text} == null || ${t.text} ${op} ${this.literal(kind)})`;
      },
      () => `(${this.c.pick(nullable).text} != null)`,
    ];
  }

  private nullableGuard(kind: CelKind): (() => string)[] {
    const nullable = this.terms.filter((t) => t.nullable && t.cel === kind);
    if (!nullable.length) return [];
    return [
      () => {
        const t = this.c.pick(nullable).text;
        return `(${t} == null ? ${this.literal(kind)} : ${t})`;
      },
    ];
  }
}

/** A CEL single-quoted string literal. */
export function quote(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/'/g, "\\'")
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
    .replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return `'${escaped}'`;
}
