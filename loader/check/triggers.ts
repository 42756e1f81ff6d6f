/** Triggers: exactly one kind, path parameters bound to input, cron and time zone well formed, an auth that admits the trigger's own caller. */
import type { Diagnostic } from "../diagnostics";
import type { ToolSpec } from "../../language/tool";
import { SCHEDULER_ROLE, WEBHOOK_ROLE } from "../../contracts/routes";
import type { SourceDocument, SpecPath } from "../source/yaml-document";
import { didYouMean } from "../suggest";

const PATH_PARAM_TYPES = new Set(["string", "uuid", "integer", "bigint", "enum", "date"]);

export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
}

export function checkTrigger(tool: ToolSpec, doc: SourceDocument, out: Diagnostic[]): void {
  const report = (path: SpecPath, message: string, expected?: string, code: Diagnostic["code"] = "FS029", key = false) =>
    out.push({ ...doc.locate(path, { key }), code, message, ...(expected ? { expected } : {}) });
  const kinds = (["http", "schedule", "webhook"] as const).filter((k) => tool.trigger[k] !== undefined);
  if (kinds.length !== 1) {
    report(
      ["trigger"],
      kinds.length === 0 ? `tool ${tool.name} has no trigger` : `tool ${tool.name} has ${kinds.join(" and ")} triggers; a tool has one`,
      "exactly one of http, schedule, webhook",
    );
    return;
  }
  const input = tool.input ?? {};
  const { http, schedule, webhook } = tool.trigger;
  if (http) {
    const params = pathParams(http.path);
    params.forEach((param) => {
      const field = Object.hasOwn(input, param) ? input[param] : undefined;
      if (!/^[a-z][A-Za-z0-9]*$/.test(param)) report(["trigger", "http", "path"], `path parameter "{${param}}" is not a camelCase name`);
      else if (!field)
        report(
          ["trigger", "http", "path"],
          `path parameter "{${param}}" is not an input field${didYouMean(param, Object.keys(input))}`,
          `input: { ${param}: { type: uuid } }`,
          "FS022",
        );
      else if (!PATH_PARAM_TYPES.has(field.type))
        report(
          ["input", param, "type"],
          `path parameter "${param}" is a ${field.type}; a path segment carries a scalar`,
          [...PATH_PARAM_TYPES].join(", "),
          "FS022",
        );
      else if (field.optional) report(["input", param, "optional"], `path parameter "${param}" cannot be optional`, undefined, "FS022");
      if (params.indexOf(param) !== params.lastIndexOf(param))
        report(["trigger", "http", "path"], `path parameter "{${param}}" appears twice`);
    });
    if (/\{[^}]*$|^[^{]*\}/.test(http.path)) report(["trigger", "http", "path"], `path "${http.path}" has an unbalanced brace`);
  }
  if (schedule) {
    const problem = cronProblem(schedule.cron);
    if (problem)
      report(
        ["trigger", "schedule", "cron"],
        `cron "${schedule.cron}": ${problem}`,
        'five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *"',
      );
    if (schedule.timezone !== undefined && !isTimeZone(schedule.timezone))
      report(["trigger", "schedule", "timezone"], `unknown time zone "${schedule.timezone}"`, "an IANA time zone such as Europe/Berlin");
    const required = Object.entries(input)
      .filter(([, f]) => !f.optional && f.default === undefined)
      .map(([n]) => n);
    if (required.length)
      report(
        ["input"],
        `a scheduled tool is called with no input, but ${required.join(", ")} ${required.length === 1 ? "is" : "are"} required`,
        "optional input fields or defaults",
        "FS029",
        true,
      );
  }
  if (schedule || webhook) checkTriggerAuth(tool, schedule ? "schedule" : "webhook", report);
}

/** The one role the executor gives the caller of each non-HTTP trigger (executor/auth/caller.ts). */
const TRIGGER_CALLER = {
  schedule: { role: SCHEDULER_ROLE, who: "a scheduled tool is called by Cloud Scheduler", calls: "run" },
  webhook: { role: WEBHOOK_ROLE, who: "a webhook tool is called by signed deliveries", calls: "delivery" },
} as const;

/**
 * A scheduled or webhook tool may say who calls it, `auth: { roles: [scheduler] }`: the executor
 * authorizes that caller like any other. Refused is only an auth that could never admit it —
 * roles without the trigger's role would refuse every run — and `public: true`, which would not
 * open the route to anyone: the OIDC token or the signature is checked at step 1 regardless.
 */
function checkTriggerAuth(
  tool: ToolSpec,
  trigger: keyof typeof TRIGGER_CALLER,
  report: (path: SpecPath, message: string, expected?: string) => void,
): void {
  const { role, who, calls } = TRIGGER_CALLER[trigger];
  const expected = `auth: { roles: [${role}] }, or no auth`;
  if (tool.auth?.public) {
    report(
      ["auth", "public"],
      `${who} with the role \`${role}\` after step 1 checks its ${trigger === "schedule" ? "OIDC token" : "signature"}; public: true would not open it to anyone else`,
      expected,
    );
  }
  const roles = tool.auth?.roles;
  if (roles && !roles.includes(role)) {
    report(["auth", "roles"], `${who} with the role \`${role}\`; auth.roles [${roles.join(", ")}] would refuse every ${calls}`, expected);
  }
}

const CRON_RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const CRON_NAMES = ["minute", "hour", "day of month", "month", "day of week"];

function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return `has ${fields.length} fields`;
  for (let i = 0; i < 5; i++) {
    const [lo, hi] = CRON_RANGES[i]!;
    for (const part of fields[i]!.split(",")) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!m) return `${CRON_NAMES[i]} "${part}" is not a number, range, list or step`;
      for (const n of [m[2], m[3]])
        if (n !== undefined && (Number(n) < lo || Number(n) > hi)) return `${CRON_NAMES[i]} ${n} is outside ${lo}-${hi}`;
      if (m[4] !== undefined && Number(m[4]) === 0) return `${CRON_NAMES[i]} step 0`;
    }
  }
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export { didYouMean };
