/**
 * Inputs as the engine sends them to Construct, made into the args the components take.
 *
 * The SDK's `construct` hands over `pulumi.Input`s: a plain value as it is; a value that is
 * secret or has dependencies wrapped whole in an Output (a secret anywhere inside an object makes
 * the whole object a secret Output); an output value the engine sent (`acceptsOutputValues`) as
 * an Output where it sits. The components refuse an Output where a value decides which resources
 * exist (the inputs the schema marks `plain`), so:
 * - an unknown the engine sent without dependencies (preview) arrives as the SDK's bare `unknown`
 *   marker, which no component recognises: it becomes an unknown Output where it sits;
 * - a plain input that arrives as a known, non-secret Output is unwrapped, and its dependencies
 *   become dependencies of the component (`dependsOn`);
 * - the `secrets` map, whose values are secret, keeps its names (they decide which Secret Manager
 *   secrets exist) and each value stays a secret Output of the original, never read here;
 * - a plain input that arrives secret is refused here, naming it: its value would decide which
 *   resources exist, so it cannot stay secret (and a component given it as an Output would judge
 *   it only when it resolves, failing then with errors that outlive this Construct);
 * - an unknown plain input (preview) is left as it came: the component refuses it naming the
 *   input, or (FasciaTool) judges it at the update.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SchemaResource } from "./package-schema";

/** What every Output carries at runtime (the SDK marks these members internal). */
interface OutputInternals {
  promise(withUnknowns?: boolean): Promise<unknown>;
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  allResources?: () => Promise<Set<pulumi.Resource>>;
  resources(): Set<pulumi.Resource>;
}

interface Peeked {
  known: boolean;
  secret: boolean;
  /** The value, with the SDK's unknown marker where parts are unknown. */
  value: unknown;
  resources: pulumi.Resource[];
}

async function peek(output: pulumi.Output<unknown>): Promise<Peeked> {
  const inner = output as unknown as OutputInternals;
  const [known, secret, value, resources] = await Promise.all([
    inner.isKnown,
    inner.isSecret,
    inner.promise(true),
    inner.allResources ? inner.allResources() : Promise.resolve(inner.resources()),
  ]);
  return { known, secret, value, resources: [...resources] };
}

export interface WireArgs {
  args: Record<string, unknown>;
  /** Resources the unwrapped plain inputs depended on: the component depends on them. */
  dependsOn: pulumi.Resource[];
}

/** Whether the schema gives this input secret values (a map of secrets: `additionalProperties.secret`). */
function isSecretMap(resource: SchemaResource, key: string): boolean {
  return resource.inputProperties[key]?.additionalProperties?.secret === true;
}

export async function componentArgs(resource: SchemaResource, inputs: pulumi.Inputs): Promise<WireArgs> {
  const args: Record<string, unknown> = {};
  const dependsOn: pulumi.Resource[] = [];
  for (const [key, given] of Object.entries(inputs)) {
    const input = unknownsAsOutputs(given);
    args[key] = input;
    if (!pulumi.Output.isInstance(input)) continue;
    if (isSecretMap(resource, key)) {
      args[key] = await secretMap(input);
    } else if (resource.inputProperties[key]?.plain === true) {
      const peeked = await peek(input);
      if (peeked.secret)
        throw new pulumi.InputPropertyError({
          propertyPath: key,
          reason: `\`${key}\` must be a plain value, not a secret: it decides which resources exist`,
        });
      if (peeked.known) {
        args[key] = peeked.value;
        dependsOn.push(...peeked.resources);
      }
    }
  }
  return { args, dependsOn };
}

/**
 * A secret map whose names are known: name → a secret Output of that entry, keeping the map's
 * dependencies. The values are never taken out of their Outputs. Unknown names (the whole map
 * unknown at preview) leave the Output as it came.
 */
async function secretMap(input: pulumi.Output<unknown>): Promise<unknown> {
  const { value } = await peek(input);
  if (value === null || typeof value !== "object" || Array.isArray(value) || pulumi.Output.isInstance(value)) return input;
  if (pulumi.isUnknown(value)) return input;
  const map = input as pulumi.Output<Record<string, unknown>>;
  return Object.fromEntries(Object.keys(value).map((name) => [name, pulumi.secret(map.apply((m) => m[name] as string))]));
}

/** The value with every bare unknown marker (deep in arrays and plain objects) made an unknown Output. */
function unknownsAsOutputs(value: unknown): unknown {
  if (pulumi.isUnknown(value)) return pulumi.output(value);
  if (Array.isArray(value)) return value.some(pulumi.containsUnknowns) ? value.map(unknownsAsOutputs) : value;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && pulumi.containsUnknowns(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unknownsAsOutputs(v)]));
  return value;
}
