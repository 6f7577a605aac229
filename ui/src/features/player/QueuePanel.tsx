import { formatClock } from "../../app/format";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { useMoveInQueue, usePlayTracks, useQueue } from "../../ipc";
import { ReorderList } from "../library/ReorderList";

/** The play queue: drag (or move with the keyboard) to reorder, choose an entry to play it. */
export function QueuePanel({ currentIndex }: { currentIndex: number | null }) {
  const { t } = useI18n();
  const queue = useQueue();
  const move = useMoveInQueue();
  const play = usePlayTracks();
  if (queue.isPending) return <Loading rows={3} />;
  if (queue.error) return <ErrorNotice error={queue.error} onRetry={() => void queue.refetch()} />;
  if (queue.data.tracks.length === 0) return <p className="hint">{t("queue.empty")}</p>;
  const ids = queue.data.tracks.map((track) => track.id);
  return (
    <>
      {(move.error ?? play.error) && <ErrorNotice error={move.error ?? play.error} />}
      <ReorderList
        items={queue.data.tracks}
        keyOf={(track, index) => `${track.id}-${index}`}
        label={t("queue.title")}
        testId="queue-list"
        itemTestId="queue-entry"
        currentIndex={currentIndex}
        onMove={(from, to) => move.mutate({ from, to })}
        render={(track, index) => (
          <button
            type="button"
            className="entry-text link-button"
            onClick={() => play.mutate({ trackIds: ids, start: index })}
            aria-label={t("library.play", { title: track.title })}
          >
            <span className="row-main" data-testid="queue-entry-title">
              {track.title}
            </span>
            <span className="row-sub">
              {track.artist ?? t("library.unknownArtist")}
              {track.durationMs === null ? "" : ` · ${formatClock(track.durationMs)}`}
            </span>
          </button>
        )}
      />
    </>
  );
}
