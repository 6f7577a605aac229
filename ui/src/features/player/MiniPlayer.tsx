import { formatClock } from "../../app/format";
import { useI18n } from "../../i18n";
import { usePlayerEvents } from "../../ipc";
import { PlayingCover, PlayingText, Transport, usePlaying } from "./Playing";

/**
 * The mini player window: cover, title and artist, previous / play / next and how far the
 * track has got. It follows the engine's events like the main window's bar does.
 */
export function MiniPlayer() {
  const { t } = useI18n();
  usePlayerEvents();
  const playing = usePlaying();
  const { positionMs } = playing.current;
  const duration = playing.durationMs;
  const progress = duration > 0 ? Math.min(1, positionMs / duration) : 0;

  return (
    <main className="mini-player" aria-label={t("player.mini")} data-testid="mini-player">
      <PlayingCover playing={playing} />
      <div className="mini-text">
        <PlayingText playing={playing} testId="mini" />
        <div
          className="mini-progress"
          role="progressbar"
          aria-label={t("player.seek")}
          aria-valuemin={0}
          aria-valuemax={Math.round(duration / 1000)}
          aria-valuenow={Math.round(positionMs / 1000)}
          aria-valuetext={`${formatClock(positionMs)} / ${formatClock(duration)}`}
        >
          <span style={{ width: `${progress * 100}%` }} />
        </div>
      </div>
      <div className="mini-transport">
        <Transport playing={playing} testId="mini" />
      </div>
    </main>
  );
}
