import { formatClock } from "../../app/format";
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon } from "../../app/icons";
import { Cover } from "../../components/Cover";
import { useI18n } from "../../i18n";
import {
  NOTHING_PLAYING_VIEW,
  useNowPlaying,
  usePlayerControls,
  usePlayerEvents,
  useQueue,
} from "../../ipc";
import { currentOf } from "./current";

/**
 * The mini player window: cover, title and artist, previous / play / next and how far the
 * track has got. It follows the engine's events like the main window's bar does.
 */
export function MiniPlayer() {
  const { t } = useI18n();
  usePlayerEvents();
  const now = useNowPlaying().data ?? NOTHING_PLAYING_VIEW;
  const queue = useQueue();
  const controls = usePlayerControls();
  const current = currentOf(now, queue.data);
  const hasSomething = current.track !== null || current.preview;
  const playing = now.state === "playing";
  const title = current.track?.title ?? (current.preview ? t("player.preview") : t("player.idle"));
  const duration = current.durationMs ?? 0;
  const progress = duration > 0 ? Math.min(1, current.positionMs / duration) : 0;

  return (
    <main className="mini-player" aria-label={t("player.mini")} data-testid="mini-player">
      <Cover
        kind="library"
        id={current.track?.cover ?? current.track?.id ?? "none"}
        hasCover={Boolean(current.track?.cover)}
        title={title}
        size="sm"
      />
      <div className="mini-text">
        <span className="row-main" data-testid="mini-title">
          {title}
        </span>
        <span className="row-sub">{current.track?.artist ?? ""}</span>
        <div
          className="mini-progress"
          role="progressbar"
          aria-label={t("player.seek")}
          aria-valuemin={0}
          aria-valuemax={Math.round(duration / 1000)}
          aria-valuenow={Math.round(current.positionMs / 1000)}
          aria-valuetext={`${formatClock(current.positionMs)} / ${formatClock(duration)}`}
        >
          <span style={{ width: `${progress * 100}%` }} />
        </div>
      </div>
      <div className="mini-transport">
        <button
          type="button"
          className="icon-button"
          aria-label={t("player.previous")}
          disabled={!hasSomething}
          onClick={() => controls.previous.mutate()}
        >
          <PreviousIcon />
        </button>
        <button
          type="button"
          className="icon-button play"
          aria-label={playing ? t("player.pause") : t("player.play")}
          data-testid="mini-toggle"
          disabled={!hasSomething}
          onClick={() => controls.toggle.mutate()}
        >
          {playing ? <PauseIcon /> : <PlayIcon />}
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t("player.next")}
          disabled={!hasSomething}
          onClick={() => controls.next.mutate()}
        >
          <NextIcon />
        </button>
      </div>
    </main>
  );
}
