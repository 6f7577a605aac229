import { useCallback, useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { formatClock } from "../../app/format";
import { PlayIcon } from "../../app/icons";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import {
  type LibraryTrackView,
  type TrackListFilter,
  type TrackSortName,
  useNowPlaying,
  usePlayTracks,
  useQueue,
  useTrackRows,
} from "../../ipc";
import { AddToPlaylist } from "./AddToPlaylist";
import { VirtualList } from "./VirtualList";

export const ROW_HEIGHT = 48;
/** How many tracks from the one chosen go into the queue. */
const QUEUE_LENGTH = 200;

const sorts: TrackSortName[] = ["artist", "title", "album", "added", "duration"];

/** The library's tracks as one long, virtualized list with search and sort. */
export function TracksView({
  filter,
  onFilter,
}: {
  filter: TrackListFilter;
  onFilter: (next: TrackListFilter) => void;
}) {
  const { t } = useI18n();
  const [range, setRange] = useState<[number, number]>([0, 40]);
  const rows = useTrackRows(filter, range[0], range[1]);
  const play = usePlayTracks();
  const [adding, setAdding] = useState<LibraryTrackView | null>(null);
  const onRangeChange = useCallback((first: number, last: number) => setRange([first, last]), []);
  const [text, setText] = useSearchText(filter.text);

  const playFrom = (index: number) => {
    const ids: string[] = [];
    for (let i = index; i < index + QUEUE_LENGTH; i += 1) {
      const track = rows.row(i);
      if (!track) break;
      ids.push(track.id);
    }
    if (ids.length > 0) play.mutate({ trackIds: ids, start: 0 });
  };

  return (
    <section className="tracks-view" aria-label={t("library.tab.tracks")}>
      <div className="library-toolbar">
        <input
          id="library-search"
          type="search"
          data-testid="library-search"
          placeholder={t("library.search.placeholder")}
          aria-label={t("library.search.label")}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            onFilter({ ...filter, text: event.target.value });
          }}
        />
        <label className="inline-field">
          <span>{t("library.sort.label")}</span>
          <select
            data-testid="library-sort"
            value={filter.sort}
            onChange={(event) => onFilter({ ...filter, sort: event.target.value as TrackSortName })}
          >
            {sorts.map((sort) => (
              <option key={sort} value={sort}>
                {t(`library.sort.${sort}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button secondary small"
          aria-pressed={filter.descending}
          onClick={() => onFilter({ ...filter, descending: !filter.descending })}
        >
          {filter.descending ? t("library.sort.descending") : t("library.sort.ascending")}
        </button>
        {(filter.artist || filter.album) && (
          <button
            type="button"
            className="button secondary small"
            data-testid="library-clear-filter"
            onClick={() => onFilter({ ...filter, artist: null, album: null })}
          >
            {t("library.filter.clear", { name: filter.album?.title ?? filter.artist ?? "" })}
          </button>
        )}
        {rows.total !== null && (
          <span className="library-count" data-testid="library-count">
            {t("library.count", { count: rows.total })}
          </span>
        )}
      </div>
      {play.error && <ErrorNotice error={play.error} />}
      {rows.error ? (
        <ErrorNotice error={rows.error} onRetry={rows.refetch} />
      ) : rows.isLoading ? (
        <Loading rows={6} />
      ) : rows.total === 0 ? (
        filter.text ? (
          <EmptyState title={t("library.search.none.title")}>
            {t("library.search.none.body", { text: filter.text })}
          </EmptyState>
        ) : (
          <EmptyState title={t("library.empty.title")}>{t("library.empty.body")}</EmptyState>
        )
      ) : (
        <VirtualList
          // Another search or order is another list: it starts at its top (a list scrolled
          // deep and then searched kept its offset, past the end of the shorter list).
          key={JSON.stringify(filter)}
          count={rows.total ?? 0}
          rowHeight={ROW_HEIGHT}
          label={t("library.tab.tracks")}
          testId="library-tracks"
          onRangeChange={onRangeChange}
          renderRow={(index) => (
            <TrackRow
              index={index}
              track={rows.row(index)}
              onPlay={() => playFrom(index)}
              onAdd={setAdding}
            />
          )}
        />
      )}
      {adding && <AddToPlaylist track={adding} onClose={() => setAdding(null)} />}
    </section>
  );
}

function TrackRow({
  index,
  track,
  onPlay,
  onAdd,
}: {
  index: number;
  track: LibraryTrackView | undefined;
  onPlay: () => void;
  onAdd: (track: LibraryTrackView) => void;
}) {
  const { t } = useI18n();
  const playing = useIsPlaying(track?.id ?? null);
  if (!track) {
    return (
      <div className="library-row placeholder">
        <div className="skeleton" />
      </div>
    );
  }
  return (
    <div
      className={`library-row${playing ? " playing" : ""}`}
      data-testid="library-row"
      data-track-id={track.id}
    >
      <span className="row-number">{index + 1}</span>
      <span className="row-play">
        <button
          type="button"
          className="icon-button"
          data-testid="library-play"
          aria-label={t("library.play", { title: track.title })}
          onClick={onPlay}
        >
          <PlayIcon size={16} />
        </button>
      </span>
      <span className="row-title">
        <Cover
          kind="library"
          id={track.cover ?? track.id}
          hasCover={track.cover !== null}
          title={track.title}
          size="sm"
        />
        <span className="row-text">
          <span className="row-main" data-testid="library-row-title">
            {track.title}
          </span>
          <span className="row-sub">{track.artist ?? t("library.unknownArtist")}</span>
        </span>
      </span>
      <span className="row-album">{track.album ?? ""}</span>
      <span className="row-shop">
        {track.shopId && (
          <Link
            className="badge badge-owned"
            to={paths.shop(track.shopId)}
            data-testid="library-bought"
            title={t("library.bought.title")}
          >
            {t("library.bought")}
          </Link>
        )}
      </span>
      <span className="row-duration">
        {track.durationMs == null ? "" : formatClock(track.durationMs)}
      </span>
      <span className="row-actions">
        <button
          type="button"
          className="icon-button"
          data-testid="library-add-to-playlist"
          aria-label={t("library.addTo", { title: track.title })}
          onClick={() => onAdd(track)}
        >
          +
        </button>
      </span>
    </div>
  );
}

/** Whether this library track is the one the queue is on. */
function useIsPlaying(trackId: string | null): boolean {
  const queue = useQueue();
  const now = useNowPlaying();
  if (!trackId || !queue.data || queue.data.index === null) return false;
  const current = queue.data.tracks[now.data?.index ?? queue.data.index];
  return current?.id === trackId;
}

/**
 * The search field's text. The address holds it (back and forward keep it), but the router
 * changes the address in a transition, later: a field drawn from the address would be put
 * back to its old text after each key, and a key typed before the address caught up would
 * land on that old text and the previous key would be lost. So the field keeps what is typed
 * and follows the address only when it changes for another reason (history, a link).
 */
function useSearchText(fromAddress: string): [string, (text: string) => void] {
  const [text, setText] = useState(fromAddress);
  // What was typed and not yet seen in the address, oldest first.
  const pending = useRef<string[]>([]);
  useEffect(() => {
    const at = pending.current.indexOf(fromAddress);
    if (at >= 0) {
      pending.current.splice(0, at + 1);
    } else {
      pending.current = [];
      setText(fromAddress);
    }
  }, [fromAddress]);
  const type = useCallback((next: string) => {
    pending.current.push(next);
    setText(next);
  }, []);
  return [text, type];
}
