import { useState } from "react";
import { useNavigate } from "react-router";
import { formatClock } from "../../app/format";
import {
  HelpIcon,
  LyricsIcon,
  MiniPlayerIcon,
  QueueIcon,
  RepeatIcon,
  ShuffleIcon,
  VolumeIcon,
} from "../../app/icons";
import { paths } from "../../app/paths";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { type RepeatMode, useOpenMiniPlayer } from "../../ipc";
import { LyricsPanel } from "./LyricsPanel";
import { PlayingCover, PlayingText, Transport, usePlaying } from "./Playing";
import { QueuePanel } from "./QueuePanel";
import { SHORTCUTS, useShortcuts } from "./shortcuts";

const repeatOrder: RepeatMode[] = ["off", "all", "one"];
const VOLUME_KEY = "shrimp.volume";

function savedVolume(): number {
  const stored = Number(globalThis.localStorage?.getItem(VOLUME_KEY) ?? "1");
  return Number.isFinite(stored) ? Math.min(1, Math.max(0, stored)) : 1;
}

/** The player on every page: what plays, the transport, seek, volume, queue and lyrics. */
export function NowPlayingBar() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const playing = usePlaying();
  const { current, controls, hasSomething } = playing;
  const openMini = useOpenMiniPlayer();
  const [dragMs, setDragMs] = useState<number | null>(null);
  const [volume, setVolume] = useState(savedVolume);
  // What unmuting goes back to.
  const [unmutedVolume, setUnmutedVolume] = useState(() => savedVolume() || 1);
  const [shuffle, setShuffle] = useState(false);
  const [repeat, setRepeat] = useState<RepeatMode>("off");
  const [panel, setPanel] = useState<"queue" | "lyrics" | null>(null);
  const [help, setHelp] = useState(false);
  const duration = playing.durationMs;
  const position = dragMs ?? current.positionMs;

  const changeVolume = (level: number) => {
    const next = Math.min(1, Math.max(0, Math.round(level * 100) / 100));
    if (volume > 0 && next === 0) setUnmutedVolume(volume);
    setVolume(next);
    globalThis.localStorage?.setItem(VOLUME_KEY, String(next));
    controls.volume.mutate(next);
  };
  const commitSeek = () => {
    if (dragMs !== null) controls.seek.mutate(dragMs);
    setDragMs(null);
  };

  useShortcuts({
    toggle: () => hasSomething && controls.toggle.mutate(),
    seekBy: (delta) =>
      hasSomething &&
      controls.seek.mutate(Math.min(Math.max(0, current.positionMs + delta), duration || 0)),
    next: () => controls.next.mutate(),
    previous: () => controls.previous.mutate(),
    volumeBy: (delta) => changeVolume(volume + delta),
    focusSearch: () => {
      navigate(`${paths.library}?view=tracks`);
      // The field exists once the page has rendered.
      setTimeout(() => document.getElementById("library-search")?.focus(), 0);
    },
    help: () => setHelp(true),
  });

  const error =
    openMini.error ??
    controls.toggle.error ??
    controls.next.error ??
    controls.previous.error ??
    controls.seek.error ??
    controls.volume.error;

  return (
    <section className="now-playing" aria-label={t("player.label")} data-testid="now-playing">
      {panel && (
        <aside
          className="player-panel"
          aria-label={panel === "queue" ? t("queue.title") : t("lyrics.title")}
          data-testid={panel === "queue" ? "queue-panel" : "lyrics-panel"}
        >
          <h2 className="section-title">
            {panel === "queue" ? t("queue.title") : t("lyrics.title")}
          </h2>
          {panel === "queue" ? (
            <QueuePanel currentIndex={current.index} />
          ) : (
            <LyricsPanel trackId={current.track?.id ?? null} positionMs={position} />
          )}
        </aside>
      )}
      <div className="np-track">
        <PlayingCover playing={playing} />
        <div className="row-text">
          <PlayingText playing={playing} testId="now-playing" />
        </div>
      </div>
      <div className="np-center">
        <div className="np-transport">
          <button
            type="button"
            className={`icon-button${shuffle ? " on" : ""}`}
            aria-pressed={shuffle}
            aria-label={t("player.shuffle")}
            data-testid="player-shuffle"
            onClick={() => {
              setShuffle(!shuffle);
              controls.shuffle.mutate(!shuffle);
            }}
          >
            <ShuffleIcon />
          </button>
          <Transport playing={playing} testId="player" playIconSize={22} />
          <button
            type="button"
            className={`icon-button${repeat !== "off" ? " on" : ""}`}
            aria-label={t(`player.repeat.${repeat}`)}
            data-testid="player-repeat"
            data-mode={repeat}
            onClick={() => {
              const next =
                repeatOrder[(repeatOrder.indexOf(repeat) + 1) % repeatOrder.length] ?? "off";
              setRepeat(next);
              controls.repeat.mutate(next);
            }}
          >
            <RepeatIcon one={repeat === "one"} />
          </button>
        </div>
        <div className="np-seek">
          <span className="np-time" data-testid="now-playing-position">
            {formatClock(position)}
          </span>
          <input
            type="range"
            min={0}
            max={Math.max(duration, 1)}
            step={1000}
            value={Math.min(position, Math.max(duration, 1))}
            disabled={!hasSomething || duration === 0}
            aria-label={t("player.seek")}
            aria-valuetext={`${formatClock(position)} / ${formatClock(duration)}`}
            data-testid="player-seek"
            onChange={(event) => setDragMs(Number(event.target.value))}
            onPointerUp={commitSeek}
            onKeyUp={commitSeek}
            onBlur={commitSeek}
          />
          <span className="np-time">{formatClock(duration)}</span>
        </div>
      </div>
      <div className="np-side">
        <button
          type="button"
          className={`icon-button${volume === 0 ? " on" : ""}`}
          aria-pressed={volume === 0}
          aria-label={t("player.mute")}
          data-testid="player-mute"
          onClick={() => changeVolume(volume === 0 ? unmutedVolume : 0)}
        >
          <VolumeIcon level={volume} />
        </button>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={volume}
          aria-label={t("player.volume")}
          aria-valuetext={`${Math.round(volume * 100)}%`}
          data-testid="player-volume"
          className="np-volume"
          onChange={(event) => changeVolume(Number(event.target.value))}
        />
        <button
          type="button"
          className={`icon-button${panel === "lyrics" ? " on" : ""}`}
          aria-pressed={panel === "lyrics"}
          aria-label={t("lyrics.title")}
          data-testid="player-lyrics"
          onClick={() => setPanel(panel === "lyrics" ? null : "lyrics")}
        >
          <LyricsIcon />
        </button>
        <button
          type="button"
          className={`icon-button${panel === "queue" ? " on" : ""}`}
          aria-pressed={panel === "queue"}
          aria-label={t("queue.title")}
          data-testid="player-queue"
          onClick={() => setPanel(panel === "queue" ? null : "queue")}
        >
          <QueueIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t("player.openMini")}
          title={t("player.openMini")}
          data-testid="player-open-mini"
          onClick={() => openMini.mutate()}
        >
          <MiniPlayerIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t("shortcuts.title")}
          data-testid="player-help"
          onClick={() => setHelp(true)}
        >
          <HelpIcon />
        </button>
      </div>
      {(error || playing.now.error) && (
        <div className="np-error">
          <ErrorNotice
            error={error}
            message={error ? undefined : (playing.now.error ?? undefined)}
          />
        </div>
      )}
      {help && (
        <Dialog title={t("shortcuts.title")} onClose={() => setHelp(false)} testId="shortcuts-help">
          <dl className="shortcut-list">
            {SHORTCUTS.map(([keys, label]) => (
              <div key={keys}>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{t(label)}</dd>
              </div>
            ))}
          </dl>
          <div className="button-row end">
            <button type="button" className="button primary" onClick={() => setHelp(false)}>
              {t("common.done")}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
