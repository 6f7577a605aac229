import { useEffect, useRef } from "react";
import { formatClock } from "../../app/format";
import { type MessageKey, useI18n } from "../../i18n";
import { errorKey } from "../../i18n/messages";
import {
  type ErrorCode,
  errorCode,
  useDownloadedTracks,
  useDownloadTrack,
  usePlayTracks,
} from "../../ipc";
import { usePlaying } from "../player/Playing";

/** `4.2 MB`, `512 KB`: a file size for people (the same in both languages). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1000))} KB`;
}

/** What a failed download tells the person, by code: what happened and that nothing is lost. */
const failureKeys: Partial<Record<ErrorCode, MessageKey>> = {
  storage: "download.failed.storage",
  conflict: "download.failed.conflict",
  unavailable: "download.failed.unavailable",
};

function failureKey(code: ErrorCode): MessageKey {
  return failureKeys[code] ?? errorKey(code);
}

/**
 * A purchase's way into the library: Download → a progress bar of the bytes → "In your
 * library" with Play now. Any failure says what happened, that the purchase is safe, and
 * offers Retry (which resumes). `autoStart` begins at once (right after buying).
 */
export function DownloadPanel({
  trackId,
  title,
  autoStart = false,
}: {
  trackId: string;
  title: string;
  autoStart?: boolean;
}) {
  const { t } = useI18n();
  const downloaded = useDownloadedTracks();
  const download = useDownloadTrack();
  const play = usePlayTracks();
  const { now, current } = usePlaying();

  const existing = downloaded.data?.find((track) => track.track_id === trackId);
  const placed = download.data ?? (download.isPending || download.isError ? undefined : existing);

  const started = useRef(false);
  const { mutate } = download;
  useEffect(() => {
    if (!autoStart || started.current || downloaded.isPending) return;
    started.current = true;
    if (!existing) mutate(trackId);
  }, [autoStart, downloaded.isPending, existing, mutate, trackId]);

  const retrying = download.isPending && download.progress?.kind === "retrying";
  const shown = download.isPending || placed ? download.bytes : null;
  const percent = shown && shown.total > 0 ? Math.round((shown.done / shown.total) * 100) : null;
  // The bought track plays as a library track (the bar names it; it can be queued and
  // resumed after a restart), so it is playing here when it is the queue's current entry.
  const playing =
    placed !== undefined &&
    current.track?.id === placed.library_track_id &&
    now.state !== "stopped";

  return (
    <section
      className="download-panel"
      data-testid="download-panel"
      data-state={
        download.isPending ? "downloading" : download.isError ? "failed" : placed ? "done" : "idle"
      }
      aria-label={t("download.label", { title })}
    >
      {(download.isPending || (placed && shown)) && (
        <>
          <div
            className="progress"
            role="progressbar"
            aria-label={t("download.progressLabel")}
            aria-valuemin={0}
            aria-valuemax={shown?.total ?? 100}
            aria-valuenow={shown?.done}
            aria-valuetext={
              shown
                ? t("download.bytes", {
                    done: formatBytes(shown.done),
                    total: formatBytes(shown.total),
                  })
                : undefined
            }
            data-testid="download-progress"
            data-state={percent === null ? "indeterminate" : "determinate"}
          >
            <div className="progress-fill" style={{ width: `${percent ?? 100}%` }} />
          </div>
          <p className="progress-label small muted" aria-live="polite">
            <span>
              {retrying
                ? t("download.retrying")
                : placed
                  ? t("download.verified")
                  : t("download.downloading")}
            </span>
            {shown && (
              <span>
                {t("download.bytes", {
                  done: formatBytes(shown.done),
                  total: formatBytes(shown.total),
                })}
              </span>
            )}
          </p>
        </>
      )}

      {download.isError && (
        <div className="download-failed">
          <p className="form-error" role="alert" data-testid="download-error">
            {t(failureKey(errorCode(download.error)))}
          </p>
          <button
            type="button"
            className="button primary"
            data-testid="download-retry"
            onClick={() => download.mutate(trackId)}
          >
            {t("download.retry")}
          </button>
        </div>
      )}

      {placed && (
        <div className="download-done">
          <span className="muted small" data-testid="download-done">
            ✓ {t("download.inLibrary")}
          </span>
          <button
            type="button"
            className="button primary"
            data-testid="play-now"
            disabled={play.isPending}
            onClick={() => play.mutate({ trackIds: [placed.library_track_id], start: 0 })}
          >
            ▶ {t("download.playNow")}
          </button>
          {playing && (
            <span className="muted small" data-testid="now-playing" role="status">
              {t(now.state === "paused" ? "download.paused" : "download.playing")}
              {now.durationMs !== null && (
                <span data-testid="now-playing-duration" data-ms={now.durationMs}>
                  {" · "}
                  {formatClock(now.positionMs)} / {formatClock(now.durationMs)}
                </span>
              )}
            </span>
          )}
          {play.isError && (
            <p className="form-error" role="alert" data-testid="play-error">
              {t(errorKey(errorCode(play.error)))}
            </p>
          )}
        </div>
      )}

      {!placed && !download.isPending && !download.isError && (
        <button
          type="button"
          className="button secondary"
          data-testid="download-button"
          disabled={downloaded.isPending}
          onClick={() => download.mutate(trackId)}
        >
          ↓ {t("download.start")}
        </button>
      )}
    </section>
  );
}
