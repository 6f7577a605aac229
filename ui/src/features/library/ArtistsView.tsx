import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { useArtists } from "../../ipc";

/** The artists; choosing one lists their tracks. */
export function ArtistsView({ onOpen }: { onOpen: (artist: string) => void }) {
  const { t } = useI18n();
  const artists = useArtists();
  if (artists.isPending) return <Loading rows={4} />;
  if (artists.error) {
    return <ErrorNotice error={artists.error} onRetry={() => void artists.refetch()} />;
  }
  if (artists.data.length === 0) {
    return <EmptyState title={t("library.empty.title")}>{t("library.empty.body")}</EmptyState>;
  }
  return (
    <ul className="artist-list" aria-label={t("library.tab.artists")} data-testid="artist-list">
      {artists.data.map((artist) => (
        <li key={artist.name}>
          <button
            type="button"
            className="artist-item"
            data-testid="artist-item"
            onClick={() => onOpen(artist.name)}
          >
            <span className="row-main">{artist.name}</span>
            <span className="row-sub">
              {t("library.artist.counts", { tracks: artist.tracks, albums: artist.albums })}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
