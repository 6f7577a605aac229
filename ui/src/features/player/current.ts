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
  const live = now.index !== null ? tracks[now.index] : undefined;
  if (now.path !== null && live && live.path === now.path) {
    return {
      track: live,
      preview: false,
      index: now.index,
      positionMs: now.positionMs,
      durationMs: now.durationMs ?? live.durationMs ?? null,
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
