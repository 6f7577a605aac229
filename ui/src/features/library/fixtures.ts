import type { LibraryTrackView, TrackListPage } from "../../ipc";

export function libraryTrack(n: number, extra: Partial<LibraryTrackView> = {}): LibraryTrackView {
  return {
    id: `t_${n}`,
    title: `Song ${n}`,
    artist: n % 2 === 0 ? "Ann" : "周杰伦",
    album: "First Light",
    albumArtist: "Ann",
    trackNo: n,
    durationMs: 180_000 + n * 1000,
    codec: "FLAC",
    cover: null,
    shopId: null,
    path: `/music/${n}.flac`,
    ...extra,
  };
}

/** A library of `total` tracks answering any window asked for. */
export function windowOf(total: number) {
  return (args: Record<string, unknown>): TrackListPage => {
    const query = args.query as { offset: number; limit: number };
    const tracks: LibraryTrackView[] = [];
    for (let i = query.offset; i < Math.min(total, query.offset + query.limit); i += 1) {
      tracks.push(libraryTrack(i + 1));
    }
    return { total, offset: query.offset, tracks };
  };
}
