/** The studio's browser app: entry point (filled in by the web work). */
import { createRoot } from "react-dom/client";
import type { AppSummary } from "../protocol";

function Placeholder(props: { summary: AppSummary | null }) {
  return <div data-testid="studio">{props.summary ? props.summary.dir : "loading"}</div>;
}

createRoot(document.getElementById("root")!).render(<Placeholder summary={null} />);
