import type { LibraryTrackView, NowPlaying, QueueView } from "../../ipc";

/** What the bar shows: a queue track (live or as saved before a restart), a store preview, or nothing. */
export interface Current {
  track: LibraryTrackView | null;
  /** A store preview is playing (not a library track). */
  preview: boolean;
  /** The queue entry shown. */
  index: number | null;
  positionMs: number;
  durationMs: number | null;
}

export function currentOf(now: NowPlaying, queue: QueueView | undefined): Current {
  const tracks = queue?.tracks ?? [];
  // The engine's index is the one it last announced; after the queue is reordered the saved
  // index is the newer one until the engine announces again. Whichever holds the file heard.
  const live = [now.index, queue?.index ?? null]
    .filter((index): index is number => index !== null)
    .map((index) => ({ index, track: tracks[index] }))
    .find(({ track }) => now.path !== null && track?.path === now.path);
  if (live?.track) {
    return {
      track: live.track,
      preview: false,
      index: live.index,
      positionMs: now.positionMs,
      durationMs: now.durationMs ?? live.track.durationMs ?? null,
    };
  }
  if (now.path !== null && now.state !== "stopped") {
    return {
      track: null,
      preview: true,
      index: null,
      positionMs: now.positionMs,
      durationMs: now.durationMs,
    };
  }
  const saved = queue?.index != null ? tracks[queue.index] : undefined;
  if (saved) {
    return {
      track: saved,
      preview: false,
      index: queue?.index ?? null,
      positionMs: queue?.positionMs ?? 0,
      durationMs: saved.durationMs ?? null,
    };
  }
  return { track: null, preview: false, index: null, positionMs: 0, durationMs: null };
}
