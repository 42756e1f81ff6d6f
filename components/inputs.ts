/**
 * Inputs known when the program runs. Specs are nearly always plain values (YAML or literals), so
 * governance can run synchronously in the constructor, where a thrown ResourceError fails the
 * preview cleanly. Only a spec wrapped in an Output or Promise has to wait.
 */
import * as pulumi from "@pulumi/pulumi";

function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

/** The value itself when it (and, for arrays, every element) is plain; undefined otherwise. */
export function knownNow<T>(input: pulumi.Input<T> | undefined): { known: true; value: T } | { known: false } {
  if (isPending(input)) return { known: false };
  if (Array.isArray(input) && input.some(isPending)) return { known: false };
  return { known: true, value: input as T };
}
