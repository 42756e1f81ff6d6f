import type { Environment } from "@marcbachmann/cel-js";
import type { Diagnostic } from "../diagnostics";
import type { PolicySpec } from "../../language/policy";
import type { Located } from "../model";
import { checkExpression } from "../cel/check-expression";
import { createPolicyEnvironment } from "../cel/environment";

/**
 * A Policy on its own: its syntax, and its types as far as they are known without a tool
 * (input and nodes are dynamic here; each tool that uses it checks it again with real types).
 */
export function checkPolicy(entry: Located<PolicySpec>, base: Environment, out: Diagnostic[]): void {
  checkExpression(createPolicyEnvironment(base), entry.spec.rule, entry.doc, ["rule"], out, "bool");
}
