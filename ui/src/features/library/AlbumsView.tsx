import { Cover } from "../../components/Cover";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { type AlbumView, useAlbums } from "../../ipc";

/** The albums as a grid of covers; choosing one lists its tracks. */
export function AlbumsView({ onOpen }: { onOpen: (album: AlbumView) => void }) {
  const { t } = useI18n();
  const albums = useAlbums();
  if (albums.isPending) return <Loading rows={4} />;
  if (albums.error) {
    return <ErrorNotice error={albums.error} onRetry={() => void albums.refetch()} />;
  }
  if (albums.data.length === 0) {
    return <EmptyState title={t("library.empty.title")}>{t("library.empty.body")}</EmptyState>;
  }
  return (
    <ul className="album-grid" aria-label={t("library.tab.albums")} data-testid="album-grid">
      {albums.data.map((album) => (
        <li key={`${album.albumArtist}\u0000${album.title}`}>
          <button
            type="button"
            className="album-tile"
            data-testid="album-tile"
            onClick={() => onOpen(album)}
            aria-label={t("library.album.open", { title: album.title, artist: album.albumArtist })}
          >
            <Cover
              kind="library"
              id={album.cover ?? album.title}
              hasCover={album.cover !== null}
              title={album.title}
              size="lg"
            />
            <span className="album-title">{album.title}</span>
            <span className="album-artist">
              {album.albumArtist || t("library.unknownArtist")}
              {album.year ? ` · ${album.year}` : ""}
            </span>
            <span className="album-count">{t("library.tracks", { count: album.tracks })}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
