/**
 * The deployment as the executor runs it: plan hash, each tool's risk, the app's and the
 * executor's migrations, and the `pulumi` commands a change needs. Deploying stays `pulumi up` in
 * the user's project: the studio holds no cloud credentials and changes nothing here.
 */
import type { DeploymentState, Standing } from "../../protocol";
import { RiskBadge } from "../RiskBadge";
import { consoleApi } from "./api";
import { Command } from "./CopyButton";
import { Table } from "./Table";
import { ReadPending, useExecutorRead } from "./useExecutorRead";

const STANDINGS: readonly string[] = ["green", "yellow", "red", "invalid"];

export function DeploymentPanel() {
  const read = useExecutorRead(consoleApi.deployment);
  if (read.state !== "done") return <section className="card wide">{<ReadPending read={read} what="deployment" />}</section>;
  const d: DeploymentState = read.value;
  return (
    <div className="console-grid" data-testid="deployment">
      <section className="card">
        <h2>Deployment</h2>
        <div className="facts">
          <div className="fact">
            <span className="fact-label">App</span>
            <span>{d.app}</span>
          </div>
          <div className="fact">
            <span className="fact-label">Plan hash</span>
            <code className="hash" data-testid="plan-hash">
              {d.planHash}
            </code>
          </div>
          <div className="fact">
            <span className="fact-label">Entities</span>
            <span>{d.entities.join(", ")}</span>
          </div>
        </div>
        <h4>Changing it</h4>
        <p className="small">
          Deploying stays <code>pulumi up</code> in your project: the data never leaves it, and the studio holds no cloud credentials. Run these where your
          stack lives:
        </p>
        <div className="commands">
          <Command text={d.commands.preview} testId="command-preview" />
          <Command text={d.commands.up} testId="command-up" />
        </div>
      </section>
      <section className="card">
        <h2>Tools</h2>
        <Table head={["Tool", "Route", "Risk"]} testId="deployment-tools">
          {d.tools.map((t) => (
            <tr key={t.name} data-testid={`deployed-tool-${t.name}`} data-risk={t.risk}>
              <td>{t.name}</td>
              <td>
                <code>{t.trigger === "http" ? `${t.method} ${t.path}` : `${t.trigger} ${t.path}`}</code>
              </td>
              <td>
                {STANDINGS.includes(t.risk) ? <RiskBadge risk={t.risk as Standing} /> : <span className="pill">{t.risk}</span>}
                {!t.deployable && <span className="pill enforced-executor">blocked</span>}
              </td>
            </tr>
          ))}
        </Table>
      </section>
      <section className="card">
        <h2>App migrations</h2>
        <Table head={["#", "Migration", "State", "Entities"]} testId="app-migrations">
          {d.migrations.map((m) => (
            <tr key={m.id}>
              <td className="muted">{m.seq}</td>
              <td>
                <code>{m.id}</code>
              </td>
              <td>{m.state}</td>
              <td>{m.entities.join(", ")}</td>
            </tr>
          ))}
        </Table>
      </section>
      <section className="card">
        <h2>Executor migrations</h2>
        <Table head={["Migration", "Applied"]} testId="executor-migrations">
          {d.executorMigrations.map((m) => (
            <tr key={m.id}>
              <td>
                <code>{m.id}</code>
              </td>
              <td>{new Date(m.appliedAt).toLocaleString()}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
