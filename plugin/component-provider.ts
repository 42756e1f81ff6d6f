/**
 * The component provider: Fascia's four components served over Pulumi's provider protocol, so a
 * program in any Pulumi language (Python, Go, C#, Java, YAML) constructs them through the
 * `pulumi-resource-fascia` plugin. GetSchema returns schema.json; Construct builds the component
 * in this process, whose children register with the engine's resource monitor, and returns its
 * URN and outputs. A refusal (a Red tool, invalid specs, a bad input) fails Construct with the
 * component's own message — the risk report of a refused tool.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { FasciaDeployment, type FasciaDeploymentArgs } from "../components/fascia-deployment";
import { FasciaEntity, type FasciaEntityArgs } from "../components/fascia-entity";
import { FasciaExecutorImage, type FasciaExecutorImageArgs } from "../components/fascia-executor-image";
import { FasciaTool, type FasciaToolArgs } from "../components/fascia-tool";
import type { ComponentToken } from "../components/registry";
import { loadPackageSchema, type PackageSchema } from "./package-schema";
import { componentArgs } from "./wire-inputs";

type Construct = (name: string, args: Record<string, unknown>, opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;

/** Every token of the registry with its constructor: a component without one does not compile. */
const CONSTRUCTORS: { [K in ComponentToken]: Construct } = {
  "fascia:index:FasciaDeployment": (name, args, opts) => new FasciaDeployment(name, args as unknown as FasciaDeploymentArgs, opts),
  "fascia:index:FasciaExecutorImage": (name, args, opts) => new FasciaExecutorImage(name, args as unknown as FasciaExecutorImageArgs, opts),
  "fascia:index:FasciaEntity": (name, args, opts) => new FasciaEntity(name, args as unknown as FasciaEntityArgs, opts),
  "fascia:index:FasciaTool": (name, args, opts) => new FasciaTool(name, args as unknown as FasciaToolArgs, opts),
};

function isToken(type: string): type is ComponentToken {
  return Object.prototype.hasOwnProperty.call(CONSTRUCTORS, type);
}

export class FasciaProvider implements provider.Provider {
  public readonly version: string;
  public readonly schema: string;
  private readonly parsed: PackageSchema;

  constructor(loaded: { text: string; schema: PackageSchema } = loadPackageSchema()) {
    this.schema = loaded.text;
    this.parsed = loaded.schema;
    this.version = loaded.schema.version;
  }

  async construct(
    name: string,
    type: string,
    inputs: pulumi.Inputs,
    options: pulumi.ComponentResourceOptions,
  ): Promise<provider.ConstructResult> {
    if (!isToken(type)) throw new Error(`unknown resource type ${type}: this plugin serves ${Object.keys(CONSTRUCTORS).join(", ")}`);
    const resource = this.parsed.resources[type]!;
    const missing = resource.requiredInputs.filter((key) => inputs[key] === undefined);
    if (missing.length > 0)
      throw new pulumi.InputPropertyError({ propertyPath: missing[0]!, reason: `${type} ${name}: \`${missing[0]}\` is required` });
    const { args, dependsOn } = await componentArgs(resource, inputs);
    const opts = dependsOn.length === 0 ? options : { ...options, dependsOn: [...dependsOnOf(options), ...dependsOn] };
    const component = CONSTRUCTORS[type](name, args, opts);
    // The outputs the schema declares, read from the instance (the schema test checks they are exactly its registered outputs).
    const state: pulumi.Inputs = {};
    for (const output of Object.keys(resource.properties))
      state[output] = (component as unknown as Record<string, pulumi.Input<unknown>>)[output];
    return { urn: component.urn, state };
  }
}

function dependsOnOf(options: pulumi.ComponentResourceOptions): pulumi.Input<pulumi.Resource>[] {
  const given = options.dependsOn;
  if (given === undefined) return [];
  return Array.isArray(given) ? given : [given as pulumi.Input<pulumi.Resource>];
}
