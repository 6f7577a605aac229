import { useI18n } from "../i18n";
import { errorKey } from "../i18n/messages";
import { errorCode, useAppStatus } from "../ipc";
import { formatDuration } from "./format";

/** A one-line health report from the Rust core, refreshed by a real command round-trip. */
export function StatusLine() {
  const { t } = useI18n();
  const status = useAppStatus();

  if (status.isPending) {
    return (
      <footer className="status-line" data-testid="status-line" data-state="loading">
        <span className="status-dot" />
        {t("status.loading")}
      </footer>
    );
  }
  if (status.isError) {
    return (
      <footer className="status-line" data-testid="status-line" data-state="error" role="alert">
        <span className="status-dot error" />
        {t(errorKey(errorCode(status.error)))}
        <button type="button" className="link-button" onClick={() => status.refetch()}>
          {t("status.retry")}
        </button>
      </footer>
    );
  }
  const { version, platform, uptimeSeconds, dataDirWritable } = status.data;
  return (
    <footer className="status-line" data-testid="status-line" data-state="ready">
      <span className={dataDirWritable ? "status-dot ok" : "status-dot warn"} />
      {t("status.ready", { version, platform, uptime: formatDuration(uptimeSeconds) })}
      {!dataDirWritable && <span className="status-warning"> · {t("status.notWritable")}</span>}
    </footer>
  );
}
