// The local library and the player's queue: typed hooks over the library and player commands.
// Re-exported from ./index (the one door features use).
import {
  keepPreviousData,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useRef } from "react";
import {
  commands,
  type LibraryTrackView,
  type QueueView,
  type RepeatMode,
  type TrackListPage,
} from "./bindings";
import { unwrap } from "./index";
import { libraryKeys } from "./keys";

export type {
  AlbumView,
  ArtistView,
  LibraryScanProgressed,
  LibraryTrackView,
  M3uImportView,
  PlaylistView,
  QueueView,
  RepeatMode,
  ScanSummary,
  TrackListPage,
  UnreadableView,
} from "./bindings";

/** Rows are fetched in pages of this many. */
export const ROWS_PER_PAGE = 100;

export type TrackSortName = "artist" | "title" | "album" | "added" | "duration";

/** What a track list shows: search words, order, and an artist or album to narrow to. */
export interface TrackListFilter {
  text: string;
  sort: TrackSortName;
  descending: boolean;
  artist: string | null;
  album: { title: string; albumArtist: string } | null;
}

export const ALL_TRACKS: TrackListFilter = {
  text: "",
  sort: "artist",
  descending: false,
  artist: null,
  album: null,
};

function pageQuery(filter: TrackListFilter, page: number) {
  return {
    queryKey: libraryKeys.trackPage(filter, page),
    queryFn: (): Promise<TrackListPage> =>
      unwrap(
        commands.libraryTracks({
          ...filter,
          offset: page * ROWS_PER_PAGE,
          limit: ROWS_PER_PAGE,
        }),
      ),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  };
}

/**
 * The rows `first..=last` of a track list (fetched a page at a time, only the pages in view),
 * and how many rows there are in all. A row not loaded yet is `undefined`.
 */
export function useTrackRows(filter: TrackListFilter, first: number, last: number) {
  const firstPage = Math.max(0, Math.floor(first / ROWS_PER_PAGE));
  const lastPage = Math.max(firstPage, Math.floor(last / ROWS_PER_PAGE));
  const pages = [];
  for (let page = firstPage; page <= lastPage; page += 1) pages.push(page);
  const results = useQueries({ queries: pages.map((page) => pageQuery(filter, page)) });
  const loaded = results.find((r) => r.data)?.data;
  const error = results.find((r) => r.error)?.error ?? null;
  // The total outlives the pages: after a jump far down no page in view is loaded yet, and a
  // list that forgot its length would be replaced by the loading state and lose its place.
  const known = useRef<{ filter: string; total: number } | null>(null);
  const key = JSON.stringify(filter);
  if (loaded) known.current = { filter: key, total: loaded.total };
  const total = loaded?.total ?? (known.current?.filter === key ? known.current.total : null);
  const row = (index: number): LibraryTrackView | undefined => {
    const page = Math.floor(index / ROWS_PER_PAGE);
    const data = results[page - firstPage]?.data;
    if (!data || data.offset !== page * ROWS_PER_PAGE) return undefined;
    return data.tracks[index - data.offset];
  };
  return {
    total,
    isLoading: total === null && !error,
    error,
    row,
    refetch: () => {
      for (const r of results) void r.refetch();
    },
  };
}

export function useAlbums() {
  return useQuery({
    queryKey: libraryKeys.albums,
    queryFn: () => unwrap(commands.libraryAlbums()),
  });
}

export function useArtists() {
  return useQuery({
    queryKey: libraryKeys.artists,
    queryFn: () => unwrap(commands.libraryArtists()),
  });
}

export function useUnreadable() {
  return useQuery({
    queryKey: libraryKeys.unreadable,
    queryFn: () => unwrap(commands.libraryUnreadable()),
  });
}

export function useLibraryFolders() {
  return useQuery({
    queryKey: libraryKeys.folders,
    queryFn: () => unwrap(commands.libraryFolders()),
  });
}

/** The scan in progress, kept current by `LibraryScanProgressed` events (./live). */
export function useScanProgress() {
  return useQuery({
    queryKey: libraryKeys.scan,
    queryFn: () => null as { done: number; total: number; current: string } | null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Adds a music folder: scanned now, watched from then on. */
export function useAddFolder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (path: string) => unwrap(commands.libraryAddFolder(path)),
    onSettled: () => {
      client.setQueryData(libraryKeys.scan, null);
      return client.invalidateQueries({ queryKey: libraryKeys.all });
    },
  });
}

export function useLyrics(trackId: string | null) {
  return useQuery({
    queryKey: libraryKeys.lyrics(trackId ?? ""),
    queryFn: () => unwrap(commands.libraryLyrics(trackId ?? "")),
    enabled: trackId !== null,
  });
}

// ---- Playlists ---------------------------------------------------------------------------

export function usePlaylists() {
  return useQuery({
    queryKey: libraryKeys.playlists,
    queryFn: () => unwrap(commands.playlists()),
  });
}

export function usePlaylistTracks(id: string | null) {
  return useQuery({
    queryKey: libraryKeys.playlist(id ?? ""),
    queryFn: () => unwrap(commands.playlistTracks(id ?? "")),
    enabled: id !== null,
  });
}

function usePlaylistMutation<T, R>(run: (args: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => client.invalidateQueries({ queryKey: libraryKeys.playlists }),
  });
}

export function useCreatePlaylist() {
  return usePlaylistMutation(({ name, trackIds }: { name: string; trackIds: string[] }) =>
    unwrap(commands.playlistCreate(name, trackIds)),
  );
}

export function useRenamePlaylist() {
  return usePlaylistMutation(({ id, name }: { id: string; name: string }) =>
    unwrap(commands.playlistRename(id, name)),
  );
}

export function useDeletePlaylist() {
  return usePlaylistMutation((id: string) => unwrap(commands.playlistDelete(id)));
}

export function useAddToPlaylist() {
  return usePlaylistMutation(({ id, trackIds }: { id: string; trackIds: string[] }) =>
    unwrap(commands.playlistAdd(id, trackIds)),
  );
}

/** Moves a playlist entry; the list shows the new order at once. */
export function useMovePlaylistEntry() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, from, to }: { id: string; from: number; to: number }) =>
      unwrap(commands.playlistMove(id, from, to)),
    onMutate: ({ id, from, to }) =>
      client.setQueryData<LibraryTrackView[]>(libraryKeys.playlist(id), (tracks) =>
        tracks ? moved(tracks, from, to) : tracks,
      ),
    onSettled: () => client.invalidateQueries({ queryKey: libraryKeys.playlists }),
  });
}

export function useImportM3u() {
  return usePlaylistMutation(({ path, name }: { path: string; name: string }) =>
    unwrap(commands.playlistImportM3u(path, name)),
  );
}

export function useExportM3u() {
  return useMutation({
    mutationFn: ({ id, path }: { id: string; path: string }) =>
      unwrap(commands.playlistExportM3u(id, path)),
  });
}

/** `items` with the entry at `from` moved to `to`. */
export function moved<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  if (item === undefined) return next;
  next.splice(to, 0, item);
  return next;
}

// ---- The player's queue ------------------------------------------------------------------

export function useQueue() {
  return useQuery({
    queryKey: libraryKeys.queue,
    queryFn: () => unwrap(commands.playerQueue()),
  });
}

/** Plays library tracks: the queue becomes `trackIds`, from `start`. */
export function usePlayTracks() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ trackIds, start }: { trackIds: string[]; start: number }) =>
      unwrap(commands.playerPlayTracks(trackIds, start)),
    onSettled: () => client.invalidateQueries({ queryKey: libraryKeys.queue }),
  });
}

/** Moves a queue entry; the panel shows the new order at once. */
export function useMoveInQueue() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ from, to }: { from: number; to: number }) =>
      unwrap(commands.playerMoveInQueue(from, to)),
    onMutate: ({ from, to }) =>
      client.setQueryData<QueueView>(libraryKeys.queue, (queue) =>
        queue ? { ...queue, tracks: moved(queue.tracks, from, to) } : queue,
      ),
    onSettled: () => client.invalidateQueries({ queryKey: libraryKeys.queue }),
  });
}

/** The transport: every button of the now-playing bar. */
export function usePlayerControls() {
  const client = useQueryClient();
  const refreshQueue = () => client.invalidateQueries({ queryKey: libraryKeys.queue });
  const toggle = useMutation({
    mutationFn: () => unwrap(commands.playerToggle()),
    onSettled: refreshQueue,
  });
  const next = useMutation({ mutationFn: () => unwrap(commands.playerNext()) });
  const previous = useMutation({ mutationFn: () => unwrap(commands.playerPrevious()) });
  const seek = useMutation({
    mutationFn: (positionMs: number) => unwrap(commands.playerSeek(Math.round(positionMs))),
  });
  const volume = useMutation({
    mutationFn: (level: number) => unwrap(commands.playerSetVolume(level)),
  });
  const shuffle = useMutation({
    mutationFn: (on: boolean) => unwrap(commands.playerSetShuffle(on)),
  });
  const repeat = useMutation({
    mutationFn: (mode: RepeatMode) => unwrap(commands.playerSetRepeat(mode)),
  });
  return { toggle, next, previous, seek, volume, shuffle, repeat };
}

export { NOTHING_PLAYING as NOTHING_PLAYING_VIEW } from "./keys";
