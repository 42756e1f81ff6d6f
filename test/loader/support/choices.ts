/**
 * Random choices drawn from a fast-check generator (`fc.gen()`), so that dependent structures
 * (a flow whose expressions name the nodes before them) can be built imperatively and still shrink.
 * Every helper shrinks toward the plainest value: the first item, the smallest number, "no".
 */
import fc from "fast-check";

/**
 * fc.gen() caches arbitraries by their arguments' JSON, and every RegExp serialises as `{}`: the
 * pattern goes through as its source text so two patterns never share one arbitrary.
 */
const stringMatchingSource = (source: string) => fc.stringMatching(new RegExp(source));

export class Choices {
  constructor(private readonly g: fc.GeneratorValue) {}

  int(min: number, max: number): number {
    return this.g(fc.integer, { min, max });
  }

  /** True with the given probability (percent); shrinks to false. */
  chance(percent: number): boolean {
    return this.int(0, 99) >= 100 - percent;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(0, items.length - 1)]!;
  }

  /** Some of the items, in their order, at most `max`. */
  some<T>(items: readonly T[], max = items.length, percent = 50): T[] {
    const chosen: T[] = [];
    for (const item of items) if (chosen.length < max && this.chance(percent)) chosen.push(item);
    return chosen;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  double(min: number, max: number): number {
    return this.g(fc.double, { min, max, noNaN: true, noDefaultInfinity: true });
  }

  /** Any finite double, including -0, the tiniest and the largest: the serializer must keep them exact. */
  anyDouble(): number {
    return this.g(fc.double, { noNaN: true, noDefaultInfinity: true });
  }

  matching(pattern: RegExp): string {
    return this.g(stringMatchingSource, pattern.source);
  }

  /** Free text (descriptions, messages): any graphemes, sometimes control characters and YAML syntax. */
  text(minLength = 0): string {
    const kind = this.int(0, 3);
    if (kind === 0) return this.g(fc.string, { unit: "binary-ascii", minLength, maxLength: 16 });
    if (kind === 1)
      return this.pick(
        [
          "a: b",
          "# not a comment",
          "- item",
          "{ x }",
          "'quoted'",
          '"double"',
          "yes",
          "null",
          "123",
          "1e3",
          " padded ",
          "multi\nline",
          "tab\there",
          "~",
          "&anchor",
          "*alias",
          "!tag",
          "%directive",
          "@at",
          "`tick`",
          "",
          "---",
          "...",
        ].filter((t) => t.length >= minLength),
      );
    return this.g(fc.string, { unit: "grapheme", minLength, maxLength: 20 });
  }

  uuid(): string {
    return this.g(fc.uuid, {});
  }

  jsonValue(): unknown {
    return this.g(fc.jsonValue, { maxDepth: 2 });
  }
}
