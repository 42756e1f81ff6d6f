import { NotDeployableError } from "../../build/governed-app";
import { governTool } from "../../components/governance";
import { EXIT, type ExitCode } from "../../contracts/exit-codes";
import type { CliIO } from "../io";

/**
 * Why `fascia build` or `fascia image` built nothing, on stderr, and exit 1. Specs a tool of which
 * may not deploy get the same judgement and words as the deployment's refusal
 * (components/governance.ts), findings by the shared renderer.
 */
export function reportBuildFailure(command: string, error: unknown, io: CliIO, setExit: (code: ExitCode) => void): void {
  if (error instanceof NotDeployableError) {
    io.err(`fascia ${command}: ${error.refused.length} of ${error.tools} tools may not deploy, so no image was built:`);
    for (const assessment of error.refused) io.err(governTool(assessment).message!);
  } else {
    io.err(`fascia ${command}: ${(error as Error).message}`);
  }
  setExit(EXIT.failed);
}
