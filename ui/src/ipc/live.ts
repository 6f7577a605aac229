// The one mapping from Rust's events to the query cache: what each event changes and which
// queries it makes stale. Mounted once, at the app's root.
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import {
  type BackendStatus_Serialize as BackendStatus,
  type Dashboard_Serialize as Dashboard,
  events,
  type IncomeEvent,
  type PlayerEvent_Serialize as PlayerEvent,
  type PlayerStatus_Serialize as PlayerStatus,
} from "./bindings";
import {
  type FeedSale,
  libraryKeys,
  type NowPlaying,
  queryKeys,
  type UploadProgressMap,
} from "./keys";

/** How many live sales the feed keeps. */
const FEED_LENGTH = 50;

/**
 * The shop whose income stream Rust is forwarding. Income events do not name their shop, and
 * the previous owner's stream runs until a new watch replaces it, so events are applied only
 * while the watched shop is the signed-in owner's.
 */
let watchedShop: string | null = null;

export function markWatched(shopId: string | null): void {
  watchedShop = shopId;
}

export function invalidateAllButStatus(client: QueryClient): Promise<void> {
  return client.invalidateQueries({
    predicate: (query) => query.queryKey[0] !== queryKeys.backendStatus[0],
  });
}

/**
 * Stores a new backend status, and refetches everything else when the data behind it
 * changed: another person, another backend, or a (re)started demo.
 */
export function applyBackendStatus(client: QueryClient, next: BackendStatus): void {
  const previous = client.getQueryData<BackendStatus>(queryKeys.backendStatus);
  client.setQueryData(queryKeys.backendStatus, next);
  if (!previous) return;
  const becameReady = previous.phase.phase !== "ready" && next.phase.phase === "ready";
  const someoneElse = previous.user?.id !== next.user?.id || previous.mode !== next.mode;
  if (someoneElse) markWatched(null);
  if (becameReady || someoneElse) void invalidateAllButStatus(client);
}

/**
 * A live income event for the signed-in owner's shop: the sale is added to the cached totals
 * at once (so the ticker moves without waiting for a round-trip), then the dashboard is
 * refetched to be exact.
 */
export function applyIncomeEvent(client: QueryClient, event: IncomeEvent): void {
  const shopId = client.getQueryData<BackendStatus>(queryKeys.backendStatus)?.user?.shop_id;
  if (!shopId || shopId !== watchedShop) return;
  if (event.type === "sale_recorded") {
    const { sale } = event;
    const feed = client.getQueryData<FeedSale[]>(queryKeys.salesFeed(shopId)) ?? [];
    // A sale replayed after a reconnect is already counted.
    if (feed.some((known) => known.orderId === sale.order_id)) return;
    const entry: FeedSale = {
      orderId: sale.order_id,
      trackId: sale.track_id,
      trackTitle: sale.track_title,
      amount: sale.amount,
      atMs: sale.at_ms,
    };
    client.setQueryData<FeedSale[]>(
      queryKeys.salesFeed(shopId),
      [entry, ...feed].slice(0, FEED_LENGTH),
    );
    client.setQueryData<Dashboard>(queryKeys.dashboard(shopId), (dashboard) =>
      dashboard ? withSale(dashboard, entry) : dashboard,
    );
  }
  void client.invalidateQueries({ queryKey: queryKeys.dashboard(shopId) });
}

/** The dashboard with one more sale counted: totals, today's bar and the track's row. */
export function withSale(dashboard: Dashboard, sale: FeedSale): Dashboard {
  const { summary } = dashboard;
  const lastIndex = dashboard.daily.length - 1;
  return {
    ...dashboard,
    summary: {
      ...summary,
      today: summary.today + sale.amount,
      this_month: summary.this_month + sale.amount,
      all_time: summary.all_time + sale.amount,
      balance: summary.balance + sale.amount,
      sales_count: summary.sales_count + 1,
    },
    daily: dashboard.daily.map((day, index) =>
      index === lastIndex ? { ...day, sales: day.sales + sale.amount, count: day.count + 1 } : day,
    ),
    tracks: dashboard.tracks.map((track) =>
      track.track_id === sale.trackId
        ? { ...track, sales: track.sales + sale.amount, count: track.count + 1 }
        : track,
    ),
  };
}

type Listening = Promise<() => void>;

/** How many of the player's changes (state, track, failure) this window has heard of. */
let playerChanges = 0;

/** See [`playerChanges`]: a read of the player's status compares it before and after. */
export function playerChangesHeard(): number {
  return playerChanges;
}

/**
 * Folds the player's events into what the window shows, once it has read the player's status.
 * Before that read there is nothing to fold into: an event there must not stand in for the
 * read (a window reloaded mid-track would show "stopped" until the next change), so it is only
 * counted, and the read asks again if a change came while it was asking.
 */
function listenToPlayer(client: QueryClient): Listening {
  return events.playerEventReceived.listen(({ payload }) => {
    if (payload.type !== "positionChanged") playerChanges += 1;
    client.setQueryData<NowPlaying>(queryKeys.nowPlaying, (now) =>
      now === undefined ? undefined : applyPlayerEvent(now, payload),
    );
  });
}

function listenToEverything(client: QueryClient): Listening[] {
  return [
    events.backendStatusChanged.listen(({ payload }) => applyBackendStatus(client, payload)),
    events.incomeEventReceived.listen(({ payload }) => applyIncomeEvent(client, payload)),
    events.trackUploadProgressed.listen(({ payload }) =>
      client.setQueryData<UploadProgressMap>(queryKeys.uploadProgress, (known) => ({
        ...(known ?? {}),
        [payload.file]: { sent: payload.sent, total: payload.total },
      })),
    ),
    listenToPlayer(client),
    events.libraryScanProgressed.listen(({ payload }) =>
      client.setQueryData(libraryKeys.scan, payload),
    ),
  ];
}

function listenToPlayerOnly(client: QueryClient): Listening[] {
  return [listenToPlayer(client)];
}

/** Listens to the events `start` subscribes to, for as long as the caller is mounted. */
function useListening(start: (client: QueryClient) => Listening[]): void {
  const client = useQueryClient();
  useEffect(() => {
    const listening = start(client).map((listen) =>
      listen.catch((error: unknown) => {
        console.warn("cannot listen to Rust's events", error);
        return () => {};
      }),
    );
    return () => {
      for (const stop of listening) {
        // Stopping can only fail when the window itself is going away.
        void stop.then((unlisten) => unlisten()).catch(() => {});
      }
    };
  }, [client, start]);
}

/** Listens to Rust's events for as long as the app is mounted. */
export function useLiveEvents(): void {
  useListening(listenToEverything);
}

/** Only the player's events: for the mini player, which shows nothing else. */
export function usePlayerEvents(): void {
  useListening(listenToPlayerOnly);
}

/** The track id of a preview file the core cached (`…/previews/<id>.wav`). */
export function previewTrackId(path: string): string | null {
  const match = /[\\/]previews[\\/]([^\\/]+)\.wav$/.exec(path);
  return match?.[1] ?? null;
}

/** What the engine last reported, for a view that opens late. */
export function nowPlayingOf(status: PlayerStatus): NowPlaying {
  return {
    trackId: status.path ? previewTrackId(status.path) : null,
    index: status.index,
    path: status.path,
    state: status.state,
    positionMs: status.positionMs,
    durationMs: status.durationMs,
    error: null,
  };
}

/** Folds one engine event into what the UI shows as playing. */
export function applyPlayerEvent(now: NowPlaying, event: PlayerEvent): NowPlaying {
  switch (event.type) {
    case "stateChanged":
      return {
        ...now,
        state: event.state,
        positionMs: event.state === "stopped" ? 0 : now.positionMs,
        error: null,
      };
    case "trackChanged":
      return {
        ...now,
        trackId: previewTrackId(event.path),
        index: event.index,
        path: event.path,
        durationMs: event.durationMs,
        positionMs: 0,
      };
    case "positionChanged":
      return { ...now, positionMs: event.positionMs };
    case "failed":
      return { ...now, error: event.message };
    default:
      return now;
  }
}
