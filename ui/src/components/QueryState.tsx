import { useI18n } from "../i18n";
import { errorKey } from "../i18n/messages";
import { errorCode, useIsOffline, useRetryBackend } from "../ipc";

/** Placeholder rows while something loads; announced once to screen readers. */
export function Loading({ rows = 3, label }: { rows?: number; label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-label={label ?? t("common.loading")}>
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholder rows
        <div key={index} className="skeleton" />
      ))}
    </div>
  );
}

/**
 * A failed load or action: what went wrong in the reader's words, and a retry. Offline, the
 * retry reconnects to the server (asking a page again could only fail the same way).
 */
export function ErrorNotice({
  error,
  onRetry,
  message,
}: {
  error: unknown;
  onRetry?: () => void;
  /** Overrides the message the error's code maps to. */
  message?: string;
}) {
  const { t } = useI18n();
  const offline = useIsOffline();
  const reconnect = useRetryBackend();
  const retry = offline ? () => reconnect.mutate() : onRetry;
  return (
    <div className="error-notice" role="alert">
      <span>{message ?? t(errorKey(errorCode(error)))}</span>
      {onRetry && (
        <button
          type="button"
          className="button secondary small"
          disabled={reconnect.isPending}
          onClick={retry}
        >
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}
