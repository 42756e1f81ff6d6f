/**
 * The audit chain's verdict, asked of the executor (GET audit/verify): every record's hash
 * recomputed and its link to the one before, up to the head. "chain verified", or "broken at
 * record N" with the reason; checked again on a click (records keep arriving, and a database can
 * be changed behind the executor's back).
 */
import { useCallback, useEffect, useState } from "react";
import type { ChainVerification } from "../../protocol";
import { consoleApi } from "./api";

type Verdict = { state: "checking" } | { state: "done"; verification: ChainVerification } | { state: "failed"; error: string };

export function ChainBadge() {
  const [verdict, setVerdict] = useState<Verdict>({ state: "checking" });
  const check = useCallback(() => {
    setVerdict({ state: "checking" });
    consoleApi.verify().then(
      (verification) => setVerdict({ state: "done", verification }),
      (e: Error) => setVerdict({ state: "failed", error: e.message }),
    );
  }, []);
  useEffect(check, [check]);

  const { text, tone, title } = describe(verdict);
  return (
    <span className="chain">
      <span className={`badge chain-badge ${tone}`} data-testid="chain-badge" data-verified={tone === "risk-green" ? "true" : tone === "risk-red" ? "false" : undefined} title={title}>
        {text}
      </span>
      <button className="link small" data-testid="chain-verify" onClick={check} disabled={verdict.state === "checking"}>
        Verify again
      </button>
    </span>
  );
}

function describe(verdict: Verdict): { text: string; tone: string; title: string } {
  if (verdict.state === "checking") return { text: "verifying the chain…", tone: "chain-pending", title: "" };
  if (verdict.state === "failed") return { text: "chain not checked", tone: "chain-pending", title: verdict.error };
  const v = verdict.verification;
  if (v.verified && v.checked === 0) return { text: "chain verified", tone: "risk-green", title: "no record yet: the chain is empty" };
  if (v.verified) {
    const used = v.chains.filter((c) => c.checked > 0);
    const ranges = used.map((c) => `chain ${c.chain}: ${c.from}–${c.to}`).join(", ");
    return { text: "chain verified", tone: "risk-green", title: `${v.checked} hashes recomputed over ${used.length} chain(s) (${ranges}), every link holds` };
  }
  const broken = v.broken;
  return broken
    ? { text: `broken at chain ${broken.chain} record ${broken.seq}`, tone: "risk-red", title: `${broken.reason} (invocation ${broken.invocationId}; ${v.checked} records intact before it)` }
    : { text: "chain not verified", tone: "risk-red", title: `${v.checked} records checked` };
}
