// The UI's one door to Rust. Features import typed hooks from here; nothing else in the UI
// may import Tauri or the generated bindings (Biome's noRestrictedImports enforces it).
import {
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { convertFileSrc } from "@tauri-apps/api/core";
import {
  type ApiError,
  type ApplicationView_Serialize as ApplicationView,
  commands,
  type ErrorCode,
  type OrderView,
  type SimulatorView,
  type TrackPage_Serialize as TrackPage,
} from "./bindings";
import { type FeedSale, NOTHING_PLAYING, type NowPlaying, queryKeys } from "./keys";
import { applyBackendStatus, invalidateAllButStatus, markWatched, nowPlayingOf } from "./live";

// What Rust sends is what the UI reads: the generated `_Serialize` shapes, under plain names.
export type {
  ApiError,
  ApplicationDraft,
  ApplicationView_Serialize as ApplicationView,
  AppStatus,
  AuditEventView_Serialize as AuditEventView,
  BackendPhase_Serialize as BackendPhase,
  BackendStatus_Serialize as BackendStatus,
  DailyIncome,
  Dashboard,
  EmbeddedError,
  ErrorCode,
  GenreCount,
  IncomeEvent,
  IncomeSummary,
  OrderView,
  PersonaView,
  RecentSale,
  ReleaseDetail_Serialize as ReleaseDetail,
  ReleaseView,
  Role,
  SaleRecorded,
  SeedStatus,
  SeedStepView,
  ShopKindView,
  ShopPage_Serialize as ShopPage,
  ShopView,
  SimulatorView,
  StoreHome_Serialize as StoreHome,
  TrackIncome,
  TrackView_Serialize as TrackView,
  UserView_Serialize as UserView,
} from "./bindings";
export { type FeedSale, libraryKeys, type NowPlaying, queryKeys } from "./keys";
export * from "./library";

/** A failed command, carrying the shared error code the UI branches on. */
export class IpcError extends Error {
  readonly code: ErrorCode;

  constructor(error: ApiError) {
    super(error.message);
    this.name = "IpcError";
    this.code = error.code;
  }
}

type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: ApiError };

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string"
  );
}

/** Turns a command's result into a value or a thrown {@link IpcError}. */
export async function unwrap<T>(call: Promise<CommandResult<T>>): Promise<T> {
  let result: CommandResult<T>;
  try {
    result = await call;
  } catch (thrown) {
    // Tauri itself refused (a missing permission, say): not one of our codes.
    throw new IpcError({ code: "internal", message: String(thrown) });
  }
  if (result.status === "ok") return result.data;
  if (isApiError(result.error)) throw new IpcError(result.error);
  throw new IpcError({ code: "internal", message: String(result.error) });
}

/** The code of any error, for messages: our own codes, or `internal` for anything else. */
export function errorCode(error: unknown): ErrorCode {
  return error instanceof IpcError ? error.code : "internal";
}

/** The core's health, refreshed every few seconds for the status line. */
export function useAppStatus() {
  return useQuery({
    queryKey: queryKeys.appStatus,
    queryFn: () => unwrap(commands.appStatus()),
    refetchInterval: 5_000,
    retry: false,
  });
}

/** The address of a cover image, served by the shell's `cover:` scheme. */
export function coverUrl(kind: "track" | "release" | "library", id: string): string {
  // `convertFileSrc` percent-encodes its whole argument (a `/` included), so the id is
  // appended as its own path segment to keep the `kind/id` shape the scheme splits on.
  return `${convertFileSrc(kind, "cover")}/${encodeURIComponent(id)}`;
}

/** A fresh idempotency key for one purchase attempt (kept across retries of that attempt). */
export function newAttemptId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// ---- Backend: demo or connected, who is signed in ---------------------------------------

/** Where the backend is in starting up and who is signed in; kept current by events. */
export function useBackendStatus() {
  return useQuery({
    queryKey: queryKeys.backendStatus,
    queryFn: () => unwrap(commands.backendStatus()),
    retry: false,
    // Events carry every change; polling while starting only covers a change that happened
    // between the first read and the listener being attached.
    refetchInterval: (query) => (query.state.data?.phase.phase === "starting" ? 1_000 : false),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useRetryBackend() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.retryBackend()),
    onSuccess: (status) => applyBackendStatus(client, status),
  });
}

export function useResetDemo() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.resetDemo()),
    onSuccess: (status) => {
      applyBackendStatus(client, status);
      void invalidateAllButStatus(client);
    },
  });
}

/** Acts as another demo persona; everything the previous one saw is refetched. */
export function useSwitchPersona() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => unwrap(commands.switchPersona(key)),
    onSuccess: (status) => {
      applyBackendStatus(client, status);
      void invalidateAllButStatus(client);
      // A shop owner's sales start flowing at once (the dashboard watches again on opening).
      const shopId = status.user?.shop_id;
      if (shopId) watchIncome(shopId).catch(() => {});
    },
  });
}

export function useSimulatorSettings(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.simulator,
    queryFn: () => unwrap(commands.simulatorSettings()),
    enabled,
  });
}

export function useSetSimulator() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: SimulatorView) => unwrap(commands.setSimulator(settings)),
    onMutate: (settings) => client.setQueryData(queryKeys.simulator, settings),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.simulator }),
  });
}

// ---- Store -------------------------------------------------------------------------------

/** The store's front page; "selling right now" moves, so it is refreshed every 5 s. */
export function useStoreHome() {
  return useQuery({
    queryKey: queryKeys.storeHome,
    queryFn: () => unwrap(commands.storeHome()),
    refetchInterval: 5_000,
  });
}

/** Search as you type, 50 tracks a page; `enabled` is off until there is something to ask. */
export function useTrackSearch(text: string, genre: string | null, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: queryKeys.search(text, genre),
    queryFn: ({ pageParam }): Promise<TrackPage> =>
      unwrap(commands.searchTracks(text, genre, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    enabled,
    placeholderData: (previous) => previous,
  });
}

/** A track's page, as options so a list can ask for several at once (`useQueries`). */
export function trackQuery(id: string) {
  return queryOptions({
    queryKey: queryKeys.track(id),
    queryFn: () => unwrap(commands.trackPage(id)),
  });
}

export function useTrack(id: string) {
  return useQuery(trackQuery(id));
}

export function useRelease(id: string) {
  return useQuery({
    queryKey: queryKeys.release(id),
    queryFn: () => unwrap(commands.releasePage(id)),
  });
}

export function useShop(id: string) {
  return useQuery({
    queryKey: queryKeys.shop(id),
    queryFn: () => unwrap(commands.shopPage(id)),
  });
}

/** The signed-in person's orders, newest first. */
export function useMyOrders() {
  return useQuery({
    queryKey: queryKeys.orders,
    queryFn: async () => {
      const orders = await unwrap(commands.myOrders());
      return [...orders].sort((a, b) => b.created_at_ms - a.created_at_ms);
    },
  });
}

/** The ids of the tracks the signed-in person owns (a paid order). */
export function ownedTrackIds(orders: readonly OrderView[] | undefined): ReadonlySet<string> {
  return new Set((orders ?? []).filter((o) => o.status === "paid").map((o) => o.track_id));
}

/** Buys a track. Retrying with the same `attempt` never charges twice. */
export function useBuyTrack() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ trackId, attempt }: { trackId: string; attempt: string }) =>
      unwrap(commands.buyTrack(trackId, attempt)),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: queryKeys.orders });
      void client.invalidateQueries({ queryKey: queryKeys.store });
    },
  });
}

// ---- Seller dashboard and reviewer inbox ----------------------------------------------

export function useDashboard(shopId: string | null) {
  return useQuery({
    queryKey: queryKeys.dashboard(shopId ?? ""),
    queryFn: () => unwrap(commands.dashboard()),
    enabled: shopId !== null,
  });
}

/** Starts forwarding the signed-in owner's (`shopId`'s) live sales as income events. */
export async function watchIncome(shopId: string): Promise<void> {
  markWatched(shopId);
  try {
    await unwrap(commands.watchIncome());
  } catch (error) {
    markWatched(null);
    throw error;
  }
}

export function useSalesFeed(shopId: string | null) {
  return useQuery<FeedSale[]>({
    queryKey: queryKeys.salesFeed(shopId ?? ""),
    // Nothing to fetch: income events fill it (./live). A refetch starts it empty again.
    queryFn: () => [],
    enabled: shopId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useReviewInbox(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.reviewInbox,
    queryFn: () => unwrap(commands.reviewInbox()),
    enabled,
  });
}

function useInboxMutation<A>(call: (args: A) => Promise<ApplicationView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (decided) => {
      client.setQueryData<ApplicationView[]>(queryKeys.reviewInbox, (inbox) =>
        inbox?.filter((application) => application.id !== decided.id),
      );
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.reviewInbox }),
  });
}

export function useApproveApplication() {
  return useInboxMutation((id: string) => unwrap(commands.approveApplication(id)));
}

export function useRejectApplication() {
  return useInboxMutation(({ id, reason }: { id: string; reason: string }) =>
    unwrap(commands.rejectApplication(id, reason)),
  );
}

export { applyBackendStatus, applyIncomeEvent, useLiveEvents } from "./live";

// ---- Playback: previews through the engine, never the webview ----------------------------

/** What the engine is playing, kept current by player events. */
export function useNowPlaying() {
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.nowPlaying,
    // Asked once (a window opened or reloaded while something plays); events keep it current,
    // and an event that arrived while asking is newer than the answer.
    queryFn: async () => {
      const status = await unwrap(commands.playerStatus()).then(nowPlayingOf, () => null);
      const live = client.getQueryData<NowPlaying>(queryKeys.nowPlaying);
      return live?.path ? live : (status ?? NOTHING_PLAYING);
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Plays a track's 30-second preview through the audio engine. */
export function usePlayPreview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (trackId: string) => unwrap(commands.playPreview(trackId)),
    onMutate: (trackId) =>
      client.setQueryData<NowPlaying>(queryKeys.nowPlaying, (now) => ({
        ...(now ?? NOTHING_PLAYING),
        trackId,
        error: null,
      })),
  });
}

/** Pauses or resumes what is playing. */
export function useTogglePlayback() {
  return useMutation({ mutationFn: () => unwrap(commands.playerToggle()) });
}

// ---- Connected mode: a remote backend, the token in the OS keyring ----------------------

export function useConnection() {
  return useQuery({
    queryKey: queryKeys.connection,
    queryFn: () => unwrap(commands.connection()),
  });
}

/** What the sign-in form sends; `displayName` only when registering. */
export interface Credentials {
  url: string;
  email: string;
  password: string;
  displayName?: string;
}

/** Signs in (or registers) at a remote backend; the token never comes back to the UI. */
export function useConnect() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ url, email, password, displayName }: Credentials) =>
      unwrap(
        displayName === undefined
          ? commands.connect(url, email, password)
          : commands.registerAccount(url, email, password, displayName),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: queryKeys.backendStatus });
      await client.invalidateQueries({ queryKey: queryKeys.connection });
      void invalidateAllButStatus(client);
    },
  });
}

/** Signs out of the remote backend (the keyring entry is deleted) and reopens the demo. */
export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.signOut()),
    onSuccess: (status) => {
      applyBackendStatus(client, status);
      void invalidateAllButStatus(client);
    },
  });
}
