/** The app at a glance: its tools with their risk, its entities and how they relate, its problems. */
import { useEffect, useState } from "react";
import type { EntityGraph } from "../protocol";
import { api } from "./api";
import { EntityDiagram } from "./EntityDiagram";
import { ProblemList } from "./Problems";
import { RiskBadge } from "./RiskBadge";
import { href } from "./router";
import { useStudio } from "./store";

export function Home() {
  const summary = useStudio().summary!;
  const [graph, setGraph] = useState<EntityGraph | null>(null);
  const revision = summary.edits.revision;
  useEffect(() => {
    api.entityGraph().then(setGraph, () => setGraph(null));
  }, [revision]);

  return (
    <div className="home">
      <section className="card tools">
        <h2>
          Tools <span className="count">{summary.tools.length}</span>
        </h2>
        <ul className="rows">
          {summary.tools.map((tool) => (
            <li key={tool.name}>
              <a className="row" href={href({ page: "tool", name: tool.name })} data-testid={`tool-${tool.name}`} data-risk={tool.risk}>
                <RiskBadge risk={tool.risk} />
                <span className="row-main">
                  <span className="row-title">{tool.name}</span>
                  <span className="row-sub">{tool.route ?? "no trigger"}</span>
                </span>
                <span className="row-meta">
                  {tool.findings > 0 && <span>{plural(tool.findings, "finding")}</span>}
                  {tool.problems > 0 && <span className="bad">{plural(tool.problems, "problem")}</span>}
                  {!tool.deployable && <span className="bad">not deployable</span>}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section className="card entities">
        <h2>
          Entities <span className="count">{summary.entities.length}</span>
        </h2>
        <ul className="rows">
          {summary.entities.map((entity) => (
            <li key={entity.name}>
              <a className="row" href={href({ page: "entity", name: entity.name })} data-testid={`entity-${entity.name}`}>
                <span className="row-main">
                  <span className="row-title">{entity.name}</span>
                  <span className="row-sub">{entity.file}</span>
                </span>
                <span className="row-meta">
                  <span>{plural(entity.fields, "field")}</span>
                  {entity.states > 0 && <span>{plural(entity.states, "state")}</span>}
                  {entity.problems > 0 && <span className="bad">{plural(entity.problems, "problem")}</span>}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section className="card diagram">
        <h2>Relationships</h2>
        {graph ? <EntityDiagram graph={graph} /> : <p className="muted">…</p>}
      </section>
      <section className="card problems">
        <h2>
          Problems <span className="count">{summary.problems.length}</span>
        </h2>
        <ProblemList problems={summary.problems} empty="The loader accepts every file of the app." />
      </section>
    </div>
  );
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
