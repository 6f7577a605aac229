import { useEffect } from "react";
import { useI18n } from "../i18n";
import { useBackendStatus, useRetryBackend } from "../ipc";

/** How often an offline app tries its server again by itself. */
const RETRY_EVERY_MS = 30_000;

/** The server's host as a person knows it (`shop.example.com:8080`), else the address. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/**
 * Signed in to a server that cannot be reached: says so above every page, that the library
 * still plays, and tries again (now, on a click, and every half minute by itself).
 */
export function OfflineBanner() {
  const { t } = useI18n();
  const status = useBackendStatus();
  const retry = useRetryBackend();
  const phase = status.data?.phase;
  const offline = phase?.phase === "offline";
  const { mutate } = retry;

  useEffect(() => {
    if (!offline) return;
    const timer = window.setInterval(() => mutate(), RETRY_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [offline, mutate]);

  if (phase?.phase !== "offline") return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <span className="status-dot warn" aria-hidden="true" />
      <span>
        <strong>{t("offline.title")}</strong>{" "}
        {t("offline.lead", { server: hostOf(phase.backend_url) })}
      </span>
      <button
        type="button"
        className="button secondary small"
        disabled={retry.isPending}
        onClick={() => retry.mutate()}
        title={phase.message}
        data-testid="offline-retry"
      >
        {retry.isPending ? t("startup.retrying") : t("common.retry")}
      </button>
    </div>
  );
}
