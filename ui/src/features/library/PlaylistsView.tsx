import { useState } from "react";
import { formatClock } from "../../app/format";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import {
  type PlaylistView,
  useCreatePlaylist,
  useDeletePlaylist,
  useExportM3u,
  useImportM3u,
  useMovePlaylistEntry,
  usePlaylists,
  usePlaylistTracks,
  usePlayTracks,
  useRenamePlaylist,
} from "../../ipc";
import { ReorderList } from "./ReorderList";

/** Playlists: create, import from M3U, open one to play, rename, reorder or export it. */
export function PlaylistsView() {
  const { t } = useI18n();
  const playlists = usePlaylists();
  const create = useCreatePlaylist();
  const importM3u = useImportM3u();
  const [name, setName] = useState("");
  const [importPath, setImportPath] = useState("");
  const [openId, setOpenId] = useState<string | null>(null);
  const open = playlists.data?.find((p) => p.id === openId) ?? playlists.data?.[0] ?? null;

  return (
    <div className="playlists-view">
      <aside className="playlist-side">
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(
              { name, trackIds: [] },
              {
                onSuccess: (id) => {
                  setName("");
                  setOpenId(id);
                },
              },
            );
          }}
        >
          <input
            data-testid="playlist-name"
            aria-label={t("playlist.name")}
            placeholder={t("playlist.name")}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <button type="submit" className="button primary" data-testid="playlist-create">
            {t("playlist.create")}
          </button>
        </form>
        {create.error && <ErrorNotice error={create.error} />}
        {playlists.isPending ? (
          <Loading rows={3} />
        ) : playlists.error ? (
          <ErrorNotice error={playlists.error} onRetry={() => void playlists.refetch()} />
        ) : playlists.data.length === 0 ? (
          <p className="hint">{t("playlist.none")}</p>
        ) : (
          <ul className="playlist-list" aria-label={t("library.tab.playlists")}>
            {playlists.data.map((playlist) => (
              <li key={playlist.id}>
                <button
                  type="button"
                  className={`playlist-item${playlist.id === open?.id ? " active" : ""}`}
                  aria-current={playlist.id === open?.id ? "true" : undefined}
                  data-testid="playlist-item"
                  onClick={() => setOpenId(playlist.id)}
                >
                  <span>{playlist.name}</span>
                  <span className="row-sub">{t("library.tracks", { count: playlist.length })}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            const base =
              importPath
                .split(/[\\/]/)
                .pop()
                ?.replace(/\.m3u8?$/i, "") ?? "";
            importM3u.mutate(
              { path: importPath, name: base || t("playlist.imported") },
              { onSuccess: (done) => setOpenId(done.playlistId) },
            );
          }}
        >
          <input
            data-testid="playlist-import-path"
            aria-label={t("playlist.import.path")}
            placeholder={t("playlist.import.path")}
            value={importPath}
            onChange={(event) => setImportPath(event.target.value)}
          />
          <button type="submit" className="button secondary" disabled={!importPath.trim()}>
            {t("playlist.import")}
          </button>
        </form>
        {importM3u.data && (
          <p className="hint" role="status">
            {t("playlist.import.done", {
              added: importM3u.data.added,
              unresolved: importM3u.data.unresolved.length,
            })}
          </p>
        )}
        {importM3u.error && <ErrorNotice error={importM3u.error} />}
      </aside>
      {open ? <PlaylistDetail playlist={open} key={open.id} /> : null}
    </div>
  );
}

function PlaylistDetail({ playlist }: { playlist: PlaylistView }) {
  const { t } = useI18n();
  const tracks = usePlaylistTracks(playlist.id);
  const move = useMovePlaylistEntry();
  const rename = useRenamePlaylist();
  const remove = useDeletePlaylist();
  const exportM3u = useExportM3u();
  const play = usePlayTracks();
  const [name, setName] = useState(playlist.name);
  const [exportPath, setExportPath] = useState("");
  const error = move.error ?? rename.error ?? remove.error ?? play.error;

  return (
    <section className="playlist-detail" aria-label={playlist.name} data-testid="playlist-detail">
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          rename.mutate({ id: playlist.id, name });
        }}
      >
        <input
          data-testid="playlist-rename-input"
          aria-label={t("playlist.rename")}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="button secondary" data-testid="playlist-rename">
          {t("playlist.rename")}
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="playlist-play"
          disabled={!tracks.data?.length}
          onClick={() =>
            play.mutate({ trackIds: (tracks.data ?? []).map((track) => track.id), start: 0 })
          }
        >
          {t("playlist.play")}
        </button>
        <button type="button" className="button danger" onClick={() => remove.mutate(playlist.id)}>
          {t("playlist.delete")}
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
      {tracks.isPending ? (
        <Loading rows={3} />
      ) : tracks.error ? (
        <ErrorNotice error={tracks.error} onRetry={() => void tracks.refetch()} />
      ) : tracks.data.length === 0 ? (
        <EmptyState title={t("playlist.empty.title")}>{t("playlist.empty.body")}</EmptyState>
      ) : (
        <ReorderList
          items={tracks.data}
          keyOf={(track, index) => `${track.id}-${index}`}
          label={t("playlist.entries", { name: playlist.name })}
          testId="playlist-entries"
          itemTestId="playlist-entry"
          onMove={(from, to) => move.mutate({ id: playlist.id, from, to })}
          render={(track) => (
            <div className="entry-text">
              <span className="row-main" data-testid="playlist-entry-title">
                {track.title}
              </span>
              <span className="row-sub">
                {track.artist ?? t("library.unknownArtist")}
                {track.durationMs === null ? "" : ` · ${formatClock(track.durationMs)}`}
              </span>
            </div>
          )}
        />
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          exportM3u.mutate({ id: playlist.id, path: exportPath });
        }}
      >
        <input
          data-testid="playlist-export-path"
          aria-label={t("playlist.export.path")}
          placeholder={t("playlist.export.path")}
          value={exportPath}
          onChange={(event) => setExportPath(event.target.value)}
        />
        <button type="submit" className="button secondary" disabled={!exportPath.trim()}>
          {t("playlist.export")}
        </button>
      </form>
      {exportM3u.isSuccess && (
        <p className="hint" role="status">
          {t("playlist.export.done")}
        </p>
      )}
      {exportM3u.error && <ErrorNotice error={exportM3u.error} />}
    </section>
  );
}
