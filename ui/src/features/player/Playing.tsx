// What the now-playing bar and the mini player window both show: the current track's cover,
// title and artist, and previous / play-pause / next. One source for both, so they cannot
// drift apart; each places the pieces in its own layout.
import { NextIcon, PauseIcon, PlayIcon, PreviousIcon } from "../../app/icons";
import { Cover } from "../../components/Cover";
import { useI18n } from "../../i18n";
import {
  NOTHING_PLAYING_VIEW,
  type NowPlaying,
  useNowPlaying,
  usePlayerControls,
  useQueue,
} from "../../ipc";
import { type Current, currentOf } from "./current";

/** The player as a view shows it: the engine's state joined with the queue, and its controls. */
export interface Playing {
  now: NowPlaying;
  current: Current;
  controls: ReturnType<typeof usePlayerControls>;
  /** Something to play or pause: a queue entry or a store preview. */
  hasSomething: boolean;
  playing: boolean;
  /** The track's title, or what stands in for one (a preview, nothing playing). */
  title: string;
  durationMs: number;
}

export function usePlaying(): Playing {
  const { t } = useI18n();
  const now = useNowPlaying().data ?? NOTHING_PLAYING_VIEW;
  const queue = useQueue();
  const controls = usePlayerControls();
  const current = currentOf(now, queue.data);
  return {
    now,
    current,
    controls,
    hasSomething: current.track !== null || current.preview,
    playing: now.state === "playing",
    title: current.track?.title ?? (current.preview ? t("player.preview") : t("player.idle")),
    durationMs: current.durationMs ?? 0,
  };
}

/**
 * The current track's cover: its initial on a colour when it has none, a note when nothing
 * or a store preview plays (not the "N" of "Nothing playing").
 */
export function PlayingCover({ playing }: { playing: Playing }) {
  const { track } = playing.current;
  return (
    <Cover
      kind="library"
      id={track?.cover ?? track?.id ?? "none"}
      hasCover={Boolean(track?.cover)}
      title={track?.title ?? ""}
      size="sm"
    />
  );
}

/** Title over artist; test ids `<testId>-title` and `<testId>-artist`. */
export function PlayingText({ playing, testId }: { playing: Playing; testId: string }) {
  return (
    <>
      <span className="row-main" data-testid={`${testId}-title`}>
        {playing.title}
      </span>
      <span className="row-sub" data-testid={`${testId}-artist`}>
        {playing.current.track?.artist ?? ""}
      </span>
    </>
  );
}

/**
 * Previous, play or pause, next; test ids `<testId>-previous`, `-toggle` (with the engine's
 * state in `data-state`) and `-next`.
 */
export function Transport({
  playing,
  testId,
  playIconSize,
}: {
  playing: Playing;
  testId: string;
  playIconSize?: number;
}) {
  const { t } = useI18n();
  const { controls, hasSomething } = playing;
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={t("player.previous")}
        data-testid={`${testId}-previous`}
        disabled={!hasSomething}
        onClick={() => controls.previous.mutate()}
      >
        <PreviousIcon />
      </button>
      <button
        type="button"
        className="icon-button play"
        aria-label={playing.playing ? t("player.pause") : t("player.play")}
        data-testid={`${testId}-toggle`}
        data-state={playing.now.state}
        disabled={!hasSomething}
        onClick={() => controls.toggle.mutate()}
      >
        {playing.playing ? <PauseIcon size={playIconSize} /> : <PlayIcon size={playIconSize} />}
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={t("player.next")}
        data-testid={`${testId}-next`}
        disabled={!hasSomething}
        onClick={() => controls.next.mutate()}
      >
        <NextIcon />
      </button>
    </>
  );
}
