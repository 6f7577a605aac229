import { useSearchParams } from "react-router";
import { Page } from "../../components/Page";
import { type MessageKey, useI18n } from "../../i18n";
import { ALL_TRACKS, type TrackListFilter, type TrackSortName } from "../../ipc";
import { AlbumsView } from "./AlbumsView";
import { ArtistsView } from "./ArtistsView";
import { FoldersView } from "./FoldersView";
import { PlaylistsView } from "./PlaylistsView";
import { TracksView } from "./TracksView";

const tabs = ["tracks", "albums", "artists", "playlists", "folders"] as const;
type Tab = (typeof tabs)[number];

const tabLabels: Record<Tab, MessageKey> = {
  tracks: "library.tab.tracks",
  albums: "library.tab.albums",
  artists: "library.tab.artists",
  playlists: "library.tab.playlists",
  folders: "library.tab.folders",
};

/** Reads the list's filter from the address, so back and forward keep it. */
function filterOf(params: URLSearchParams): TrackListFilter {
  const album = params.get("album");
  return {
    text: params.get("q") ?? "",
    sort: (params.get("sort") as TrackSortName | null) ?? ALL_TRACKS.sort,
    descending: params.get("desc") === "1",
    artist: params.get("artist"),
    album: album === null ? null : { title: album, albumArtist: params.get("albumArtist") ?? "" },
  };
}

function paramsOf(tab: Tab, filter: TrackListFilter): Record<string, string> {
  const out: Record<string, string> = { view: tab };
  if (filter.text) out.q = filter.text;
  if (filter.sort !== ALL_TRACKS.sort) out.sort = filter.sort;
  if (filter.descending) out.desc = "1";
  if (filter.artist) out.artist = filter.artist;
  if (filter.album) {
    out.album = filter.album.title;
    out.albumArtist = filter.album.albumArtist;
  }
  return out;
}

export function LibraryPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = (tabs as readonly string[]).includes(params.get("view") ?? "")
    ? (params.get("view") as Tab)
    : "tracks";
  const filter = filterOf(params);
  const go = (next: Tab, nextFilter: TrackListFilter = filter) =>
    setParams(paramsOf(next, nextFilter), { replace: next === tab });

  return (
    <Page title={t("library.title")} lead={t("library.lead")} testId="library-page">
      <div className="tabs" role="tablist" aria-label={t("library.title")}>
        {tabs.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`library-tab-${name}`}
            aria-selected={tab === name}
            aria-controls="library-panel"
            className={`tab${tab === name ? " active" : ""}`}
            data-testid={`library-tab-${name}`}
            onClick={() => go(name)}
          >
            {t(tabLabels[name])}
          </button>
        ))}
      </div>
      <div
        id="library-panel"
        role="tabpanel"
        aria-labelledby={`library-tab-${tab}`}
        className="library-panel"
      >
        {tab === "tracks" && <TracksView filter={filter} onFilter={(next) => go("tracks", next)} />}
        {tab === "albums" && (
          <AlbumsView
            onOpen={(album) =>
              go("tracks", {
                ...ALL_TRACKS,
                sort: "album",
                album: { title: album.title, albumArtist: album.albumArtist },
              })
            }
          />
        )}
        {tab === "artists" && (
          <ArtistsView onOpen={(artist) => go("tracks", { ...ALL_TRACKS, artist })} />
        )}
        {tab === "playlists" && <PlaylistsView />}
        {tab === "folders" && <FoldersView />}
      </div>
    </Page>
  );
}
