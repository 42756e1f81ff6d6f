/**
 * Inputs known when the program runs. Specs are nearly always plain values (YAML or literals), so
 * governance can run synchronously in the constructor, where a thrown ResourceError fails the
 * preview cleanly. Only a spec wrapped in an Output or Promise has to wait.
 */
import * as pulumi from "@pulumi/pulumi";
import type { SpecSet } from "../loader/model";
import { specsFromDir, specsFromObjects } from "./spec-input";

function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** The value itself when it (and, for arrays, every element) is plain; undefined otherwise. */
export function knownNow<T>(input: pulumi.Input<T> | undefined): { known: true; value: T } | { known: false } {
  if (isPending(input)) return { known: false };
  if (Array.isArray(input) && input.some(isPending)) return { known: false };
  return { known: true, value: input as T };
}

/** Fails the program on one input: an InputPropertyError naming the input's path. */
export type Fail = (path: string, reason: string) => never;

/** A Fail whose reasons start with `who` (`FasciaDeployment app`). */
export function inputFailure(who: string): Fail {
  return (propertyPath, reason) => {
    throw new pulumi.InputPropertyError({ propertyPath, reason: `${who}: ${reason}` });
  };
}

/** A value the component must know when the program runs (it decides which children exist, or what is governed). */
export function known<T>(input: pulumi.Input<T> | undefined, path: string, fail: Fail): T | undefined {
  const now = knownNow(input);
  if (!now.known) return fail(path, `\`${path}\` must be a plain value, known when the program runs: it decides which resources exist`);
  return now.value;
}

/**
 * The specs of a component that takes exactly one of `specs` (documents) or `specDir`. Invalid
 * specs fail the program on `resource` with every diagnostic (file:line:col code message).
 */
export function specsArg(
  who: string,
  args: { specs?: pulumi.Input<unknown[]>; specDir?: pulumi.Input<string> },
  fail: Fail,
  resource: pulumi.Resource | undefined,
): SpecSet {
  const inline = known(args.specs, "specs", fail);
  const dir = known(args.specDir, "specDir", fail);
  if ((inline === undefined) === (dir === undefined)) fail("specs", "give exactly one of `specs` or `specDir`");
  try {
    return dir !== undefined ? specsFromDir(dir) : specsFromObjects(inline!, `${who} specs`);
  } catch (error) {
    throw new pulumi.ResourceError((error as Error).message, resource, true);
  }
}
