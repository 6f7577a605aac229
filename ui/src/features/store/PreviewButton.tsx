import { PauseIcon, PlayIcon } from "../../app/icons";
import { useI18n } from "../../i18n";
import { type TrackView, useNowPlaying, usePlayPreview, useTogglePlayback } from "../../ipc";

/** Plays (or pauses) a track's 30-second preview through the audio engine. */
export function PreviewButton({ track }: { track: Pick<TrackView, "id" | "title"> }) {
  const { t } = useI18n();
  const now = useNowPlaying().data;
  const play = usePlayPreview();
  const toggle = useTogglePlayback();
  const isThis = now?.trackId === track.id;
  const playing = isThis && now?.state === "playing";
  const failed = isThis && (now?.error ?? play.error?.message ?? null);
  return (
    <button
      type="button"
      className={playing ? "preview-button playing" : "preview-button"}
      data-testid="preview-button"
      data-state={playing ? "playing" : "idle"}
      aria-pressed={playing}
      aria-label={t(playing ? "preview.pause" : "preview.play", { title: track.title })}
      title={failed || t("preview.hint")}
      disabled={play.isPending}
      onClick={() => (isThis && now?.state !== "stopped" ? toggle.mutate() : play.mutate(track.id))}
    >
      {playing ? <PauseIcon size={12} /> : <PlayIcon size={12} />}
    </button>
  );
}
