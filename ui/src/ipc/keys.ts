/** Query keys for data owned by Rust; events invalidate these in one place (./live). */
export const queryKeys = {
  appStatus: ["app-status"] as const,
  backendStatus: ["backend-status"] as const,
  simulator: ["simulator"] as const,
  /** Preferences Rust acts on (sale notifications and their language). */
  preferences: ["preferences"] as const,
  store: ["store"] as const,
  storeHome: ["store", "home"] as const,
  search: (text: string, genre: string | null) => ["store", "search", text, genre] as const,
  track: (id: string) => ["store", "track", id] as const,
  release: (id: string) => ["store", "release", id] as const,
  shop: (id: string) => ["store", "shop", id] as const,
  orders: ["orders"] as const,
  /** A payment that waits for the buyer (Alipay's QR code), by order or month id. */
  payment: (id: string) => ["orders", "payment", id] as const,
  /** Purchases already downloaded into the library. */
  downloads: ["downloads"] as const,
  subscription: ["subscription"] as const,
  dashboard: (shopId: string) => ["dashboard", shopId] as const,
  /** Under the dashboard's key, so income events refresh it too. */
  shopMoney: (shopId: string) => ["dashboard", shopId, "money"] as const,
  /** Sales that arrived live while this shop was watched, newest first (filled by events). */
  salesFeed: (shopId: string) => ["sales-feed", shopId] as const,
  reviewInbox: ["review-inbox"] as const,
  myApplication: ["my-application"] as const,
  myTracks: (shopId: string) => ["my-tracks", shopId] as const,
  /** How far each file being uploaded has got, by path (filled by events). */
  uploadProgress: ["upload-progress"] as const,
  /** What the engine is playing (filled by player events). */
  nowPlaying: ["now-playing"] as const,
  connection: ["connection"] as const,
};

/** The local library's data, all under one prefix so a scan can refresh it at once. */
export const libraryKeys = {
  all: ["library"] as const,
  trackPage: (filter: object, page: number) => ["library", "tracks", filter, page] as const,
  albums: ["library", "albums"] as const,
  artists: ["library", "artists"] as const,
  unreadable: ["library", "unreadable"] as const,
  folders: ["library", "folders"] as const,
  playlists: ["library", "playlists"] as const,
  playlist: (id: string) => ["library", "playlists", id] as const,
  lyrics: (trackId: string) => ["library", "lyrics", trackId] as const,
  /** The scan in progress (filled by events). */
  scan: ["library-scan"] as const,
  /** The player's queue of library tracks. */
  queue: ["player-queue"] as const,
};

/** What the engine is playing: a store preview is known by its track id. */
export interface NowPlaying {
  trackId: string | null;
  /** The queue entry being heard, and its file. */
  index: number | null;
  path: string | null;
  state: "stopped" | "playing" | "paused";
  positionMs: number;
  durationMs: number | null;
  error: string | null;
}

export const NOTHING_PLAYING: NowPlaying = {
  trackId: null,
  index: null,
  path: null,
  state: "stopped",
  positionMs: 0,
  durationMs: null,
  error: null,
};

/** A sale as the live feed shows it. */
export interface FeedSale {
  orderId: string;
  trackId: string;
  trackTitle: string;
  amount: number;
  atMs: number;
}

/** Bytes sent of each file being uploaded, by its path. */
export type UploadProgressMap = Record<string, { sent: number; total: number }>;
