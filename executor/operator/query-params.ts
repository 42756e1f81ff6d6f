/**
 * The operator API's query parameters, read strictly: an unknown parameter, a repeated one or a
 * value of the wrong form is 400 INVALID_INPUT naming it (`query.<name>`), every problem at once.
 */
import { ToolError, type ErrorDetail } from "../errors/catalogue";

type RawQuery = Record<string, string | string[] | undefined>;

export class QueryReader {
  private readonly problems: ErrorDetail[] = [];

  constructor(
    private readonly query: RawQuery,
    known: readonly string[],
  ) {
    for (const name of Object.keys(query))
      if (!known.includes(name)) this.problem(name, `is not a parameter of this route (${known.join(", ")})`);
  }

  problem(name: string, message: string): void {
    this.problems.push({ path: `query.${name}`, message });
  }

  text(name: string): string | undefined {
    const value = this.query[name];
    if (Array.isArray(value)) {
      this.problem(name, "is given more than once");
      return undefined;
    }
    return value === undefined || value === "" ? undefined : value;
  }

  integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      this.problem(name, `must be an integer from ${min} to ${max}, not "${text}"`);
      return undefined;
    }
    return value;
  }

  time(name: string): Date | undefined {
    const text = this.text(name);
    if (text === undefined) return undefined;
    // An ISO 8601 date-time with its offset: a bare date or local time would mean the server's zone.
    const value = new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(value.getTime())) {
      this.problem(name, `must be an ISO 8601 time with its offset (2026-12-03T10:00:00Z), not "${text}"`);
      return undefined;
    }
    return value;
  }

  /** Throws the 400 when any parameter was refused. */
  done(): void {
    if (this.problems.length) throw ToolError.of("INVALID_INPUT", "the query parameters are not valid", this.problems);
  }
}

export function queryReader(query: unknown, known: readonly string[]): QueryReader {
  return new QueryReader((query ?? {}) as RawQuery, known);
}
