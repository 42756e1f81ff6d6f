/**
 * The deployment's settings as the executor sees them, by group: each value (a secret only as set or
 * missing, never its value), where the executor reads it from, and the `pulumi config set …` that
 * changes it in the stack program. Changing one stays a `pulumi up`.
 */
import type { DeploymentSetting } from "../../protocol";
import { consoleApi } from "./api";
import { Command } from "./CopyButton";
import { ReadPending, useExecutorRead } from "./useExecutorRead";

export function SettingsPanel() {
  const read = useExecutorRead(consoleApi.settings);
  if (read.state !== "done") return <section className="card wide">{<ReadPending read={read} what="settings" />}</section>;
  const groups = new Map<string, DeploymentSetting[]>();
  for (const s of read.value.settings) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  return (
    <section className="card wide" data-testid="settings">
      <h2>Settings</h2>
      <p className="small muted">
        As the executor sees them. A secret shows only whether it is set. Each is changed in your stack with the command beside it, then <code>pulumi up</code>.
      </p>
      <table className="table settings-table">
        <thead>
          <tr>
            <th>Setting</th>
            <th>Value</th>
            <th>Read from</th>
            <th>Change with</th>
          </tr>
        </thead>
        {[...groups].map(([group, settings]) => (
          <tbody key={group} data-testid={`settings-${group}`}>
            <tr className="group-row">
              <th colSpan={4}>{group}</th>
            </tr>
            {settings.map((s) => (
              <tr key={`${group}.${s.name}`} data-testid={`setting-${s.name}`}>
                <td>{s.name}</td>
                <td>
                  <SettingValue setting={s} />
                </td>
                <td className="small">
                  {s.env && <code>{s.env}</code>}
                  {s.argument && <div className="muted">argument {s.argument}</div>}
                </td>
                <td>{s.configSet ? <Command text={s.configSet} testId={`config-set-${s.name}`} /> : <span className="muted small">not a stack setting</span>}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </section>
  );
}

function SettingValue(props: { setting: DeploymentSetting }) {
  const { group, value } = props.setting;
  if (group === "secrets" || value === "set" || value === "missing") {
    return <span className={`pill ${value === "missing" ? "secret-missing" : "secret-set"}`}>{String(value)}</span>;
  }
  return value === null ? <span className="muted">not set</span> : <code>{String(value)}</code>;
}
