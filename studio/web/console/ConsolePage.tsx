/**
 * The Console: the running app as its executor reports it, read through the studio (which holds the
 * operator token): invocations, metrics, the deployment, its settings, and the API docs. Every
 * panel only reads; changing the deployment stays `pulumi up`.
 */
import type { ConsoleInfo } from "../../protocol";
import { CONSOLE_PANELS, href, type ConsolePanel } from "../router";
import { ApiDocs } from "./ApiDocs";
import { consoleApi } from "./api";
import { DeploymentPanel } from "./DeploymentPanel";
import { InvocationsPanel } from "./InvocationsPanel";
import { MetricsPanel } from "./MetricsPanel";
import { SettingsPanel } from "./SettingsPanel";
import { useExecutorRead } from "./useExecutorRead";

const TITLE: Record<ConsolePanel, string> = { invocations: "Invocations", metrics: "Metrics", deployment: "Deployment", settings: "Settings", api: "API docs" };

export function ConsolePage(props: { panel: ConsolePanel }) {
  const info = useExecutorRead<ConsoleInfo>(consoleApi.info);
  return (
    <div className="console-page" data-testid="console-page" data-panel={props.panel}>
      <div className="console-head">
        <nav className="tabs console-tabs">
          {CONSOLE_PANELS.map((panel) => (
            <a key={panel} className={panel === props.panel ? "tab active" : "tab"} href={href({ page: "console", panel })} data-testid={`console-tab-${panel}`}>
              {TITLE[panel]}
            </a>
          ))}
        </nav>
        <span className="spacer" />
        {info.state === "done" && (
          <span className="muted small" data-testid="console-executor">
            executor <code>{info.value.executor}</code> · {info.value.token === "local" ? "local operator token" : "operator token given with --token"}
          </span>
        )}
      </div>
      <div className="console-body">
        {props.panel === "invocations" && <InvocationsPanel />}
        {props.panel === "metrics" && <MetricsPanel />}
        {props.panel === "deployment" && <DeploymentPanel />}
        {props.panel === "settings" && <SettingsPanel />}
        {props.panel === "api" && <ApiDocs />}
      </div>
    </div>
  );
}
