/**
 * The process entry of the `pulumi-resource-fascia` plugin (bin/pulumi-resource-fascia): the
 * engine starts it with its own address as argument, and it prints the port it serves on.
 */
import { main } from "@pulumi/pulumi/provider";
import { FasciaProvider } from "./component-provider";

export function runPlugin(args: readonly string[]): Promise<void> {
  return main(new FasciaProvider(), [...args]);
}
