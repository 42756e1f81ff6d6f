/** Runs the elkjs layout whenever its input (by value) changes; null until the first answer. */
import { useEffect, useState } from "react";
import { layoutGraph, type LayoutInput, type LayoutResult } from "./layout";

export function useLayout(input: LayoutInput | null): LayoutResult | null {
  const key = input ? JSON.stringify(input) : "";
  const [result, setResult] = useState<{ key: string; layout: LayoutResult } | null>(null);
  useEffect(() => {
    if (!input) return;
    let live = true;
    layoutGraph(input).then(
      (layout) => live && setResult({ key, layout }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [key]);
  return result?.layout ?? null;
}
