// The UI's one door to Rust. Features import typed hooks from here; nothing else in the UI
// may import Tauri or the generated bindings (Biome's noRestrictedImports enforces it).
import {
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { Channel, convertFileSrc } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open as openFileDialog, save as saveFileDialog } from "@tauri-apps/plugin-dialog";
import { useEffect, useState } from "react";
import {
  type ApiError,
  type ApplicationDraft,
  type ApplicationView_Serialize as ApplicationView,
  type BackendStatus_Serialize as BackendStatus,
  commands,
  type DownloadProgress,
  type ErrorCode,
  type Language,
  type OrderView,
  type Preferences,
  type SimulatorView,
  type TrackEdit,
  type TrackPage_Serialize as TrackPage,
  type TrackView_Serialize as TrackView,
} from "./bindings";
import {
  type FeedSale,
  NOTHING_PLAYING,
  type NowPlaying,
  queryKeys,
  type UploadProgressMap,
} from "./keys";
import {
  applyBackendStatus,
  invalidateAllButStatus,
  markWatched,
  nowPlayingOf,
  playerChangesHeard,
} from "./live";

// What Rust sends is what the UI reads: the generated `_Serialize` shapes, under plain names.
export type {
  ApiError,
  ApplicationDraft,
  ApplicationView_Serialize as ApplicationView,
  AppStatus,
  AuditEventView_Serialize as AuditEventView,
  BackendPhase_Serialize as BackendPhase,
  BackendStatus_Serialize as BackendStatus,
  DailyIncome_Serialize as DailyIncome,
  Dashboard_Serialize as Dashboard,
  DownloadedTrack_Serialize as DownloadedTrack,
  DownloadProgress,
  EmbeddedError,
  ErrorCode,
  ExportedStatement,
  GenreCount,
  IncomeEvent,
  IncomeSummary,
  Language,
  OrderView,
  PaymentProgress_Serialize as PaymentProgress,
  PaymentStatus,
  PayoutLine,
  PersonaView,
  Preferences_Serialize as Preferences,
  QrMatrix,
  RecentSale,
  RefusalKind,
  ReleaseDetail_Serialize as ReleaseDetail,
  ReleaseView,
  Role,
  SaleRecorded,
  SampleUpload_Serialize as SampleUpload,
  SeedStatus,
  SeedStepView,
  SettledMonth,
  ShareNow,
  ShopKindView,
  ShopMoney,
  ShopPage_Serialize as ShopPage,
  ShopView,
  SimulatorView,
  StoreHome_Serialize as StoreHome,
  SubscriberStatement,
  SubscriptionPage_Serialize as SubscriptionPage,
  TrackEdit,
  TrackIncome_Serialize as TrackIncome,
  TrackUpload_Serialize as TrackUpload,
  TrackView_Serialize as TrackView,
  UploadRefusal,
  UserView_Serialize as UserView,
} from "./bindings";
export {
  type FeedSale,
  libraryKeys,
  type NowPlaying,
  queryKeys,
  type UploadProgressMap,
} from "./keys";
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

/**
 * Whether the app is signed in to a server it cannot reach. Read from the cache, never asked
 * (a window without the backend, such as the mini player, is never offline).
 */
export function useIsOffline(): boolean {
  const client = useQueryClient();
  return client.getQueryData<BackendStatus>(queryKeys.backendStatus)?.phase.phase === "offline";
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

// ---- Preferences Rust acts on --------------------------------------------------------

/** Whether each sale raises a desktop notification, and the language it is worded in. */
export function usePreferences() {
  return useQuery({
    queryKey: queryKeys.preferences,
    queryFn: () => unwrap(commands.preferences()),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Saves preferences (shown at once, corrected if Rust refuses). */
export function useSetPreferences() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (preferences: Preferences) => unwrap(commands.setPreferences(preferences)),
    onMutate: (preferences) => client.setQueryData(queryKeys.preferences, preferences),
    onSuccess: (saved) => client.setQueryData(queryKeys.preferences, saved),
    onError: () => client.invalidateQueries({ queryKey: queryKeys.preferences }),
  });
}

/**
 * Tells Rust the window's language whenever it differs from the one notifications are worded
 * in: at start (the language lives in the webview's storage) and after each change.
 */
export function useNotificationLanguage(language: Language) {
  const preferences = usePreferences().data;
  const save = useSetPreferences();
  const { mutate, isPending } = save;
  useEffect(() => {
    if (preferences && preferences.language !== language && !isPending) {
      mutate({ ...preferences, language });
    }
  }, [preferences, language, isPending, mutate]);
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

/**
 * A payment that waits for the buyer (an order or a subscription month), asked about every
 * two seconds until it is paid or has failed; when it is paid, purchases and the
 * subscription are read again.
 */
export function usePaymentProgress(id: string | null) {
  const client = useQueryClient();
  return useQuery({
    queryKey: queryKeys.payment(id ?? ""),
    queryFn: async () => {
      const progress = await unwrap(commands.paymentProgress(id ?? ""));
      if (progress.status === "paid") {
        void client.invalidateQueries({ queryKey: queryKeys.orders, exact: true });
        void client.invalidateQueries({ queryKey: queryKeys.subscription });
      }
      return progress;
    },
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data?.status === "awaiting" ? 2_000 : false),
    // The buyer is looking at the QR code on another device: keep asking in the background.
    refetchIntervalInBackground: true,
  });
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

// ---- Downloads: purchases into the library, then "Play now" -------------------------------

/** How far a download is: bytes on disk of the bytes expected. */
export interface DownloadedBytes {
  done: number;
  total: number;
}

/** The purchases already in the library. */
export function useDownloadedTracks() {
  return useQuery({
    queryKey: queryKeys.downloads,
    queryFn: () => unwrap(commands.downloadedTracks()),
  });
}

/**
 * Downloads a purchase into the library; `progress` follows the bytes as they arrive. Calling
 * it again after a failure resumes where it stopped.
 */
export function useDownloadTrack() {
  const client = useQueryClient();
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [bytes, setBytes] = useState<DownloadedBytes | null>(null);
  const mutation = useMutation({
    mutationFn: (trackId: string) => {
      const channel = new Channel<DownloadProgress>();
      channel.onmessage = (message) => {
        setProgress(message);
        if (message.kind === "started") setBytes({ done: 0, total: message.total });
        if (message.kind === "progressed") {
          setBytes({ done: message.received, total: message.total });
        }
      };
      setProgress(null);
      return unwrap(commands.downloadTrack(trackId, channel));
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.downloads }),
  });
  return { ...mutation, progress, bytes };
}

// ---- Monthly subscription ---------------------------------------------------------------

/** The plan, its limits, the listener's months and statements. */
export function useSubscriptionPage() {
  return useQuery({
    queryKey: queryKeys.subscription,
    queryFn: () => unwrap(commands.subscriptionPage()),
  });
}

/** Pays for this month; retrying with the same `attempt` never charges twice. */
export function useSubscribe() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (attempt: string) => unwrap(commands.subscribe(attempt)),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.subscription }),
  });
}

export function useCancelSubscription() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(commands.cancelSubscription()),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.subscription }),
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

/** The subscription share (projected this month, settled before) and the payouts. */
export function useShopMoney(shopId: string | null) {
  return useQuery({
    queryKey: queryKeys.shopMoney(shopId ?? ""),
    queryFn: () => unwrap(commands.shopMoney()),
    enabled: shopId !== null,
  });
}

/** Writes the shop's CSV statement to a file (by its path). */
export function useExportStatement() {
  return useMutation({
    mutationFn: (path: string) => unwrap(commands.exportStatement(path)),
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

// ---- Opening a shop: the application, its sample, submitting -----------------------------

/** The signed-in person's latest shop application, or `null` if they never applied. */
export function useMyApplication(enabled = true) {
  return useQuery({
    queryKey: queryKeys.myApplication,
    queryFn: () => unwrap(commands.myApplication()),
    enabled,
  });
}

function useApplicationMutation<A>(call: (args: A) => Promise<ApplicationView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (application) => client.setQueryData(queryKeys.myApplication, application),
  });
}

/** Creates the application (no `id`) or saves changes to a draft or rejected one. */
export function useSaveApplication() {
  return useApplicationMutation(({ id, draft }: { id: string | null; draft: ApplicationDraft }) =>
    unwrap(commands.saveApplication(id, draft)),
  );
}

/** Sends the application to the reviewers. */
export function useSubmitApplication() {
  return useApplicationMutation((id: string) => unwrap(commands.submitApplication(id)));
}

/** Streams a local file (by its path) to the server as the sample; a refused file is a result. */
export function useUploadSample() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, path }: { id: string; path: string }) =>
      unwrap(commands.uploadApplicationSample(id, path)),
    onSuccess: (upload) => client.setQueryData(queryKeys.myApplication, upload.application),
  });
}

/** Plays an application's sample through the audio engine, for the reviewer. */
export function usePlayReviewSample() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(commands.playReviewSample(id)),
    onMutate: () =>
      client.setQueryData<NowPlaying>(queryKeys.nowPlaying, (now) => ({
        ...(now ?? NOTHING_PLAYING),
        trackId: null,
        error: null,
      })),
  });
}

/**
 * Paths of files dropped on the window (Tauri reports real paths; the web's drop event does
 * not). Calls `onDrop` with them, and `onHover` while files are dragged over; returns a stop.
 */
export function listenFileDrops(
  onDrop: (paths: string[]) => void,
  onHover: (hovering: boolean) => void,
): () => void {
  let stop: (() => void) | null = null;
  let stopped = false;
  new Promise<ReturnType<typeof getCurrentWebview>>((resolve) => resolve(getCurrentWebview()))
    .then((webview) =>
      webview.onDragDropEvent(({ payload }) => {
        if (payload.type === "drop") {
          onHover(false);
          onDrop(payload.paths);
        } else if (payload.type === "leave") onHover(false);
        else onHover(true);
      }),
    )
    .then((unlisten) => {
      if (stopped) unlisten();
      else stop = unlisten;
    })
    .catch(() => {
      // No window (component tests): the path field still works.
    });
  return () => {
    stopped = true;
    stop?.();
  };
}

/** What a file dialog offers: audio the engine decodes, or cover images. */
export type PickKind = "audio" | "image";

const pickExtensions: Record<PickKind, string[]> = {
  audio: ["flac", "wav", "mp3", "ogg", "oga", "m4a", "mp4", "aac", "aif", "aiff", "caf"],
  image: ["png", "jpg", "jpeg"],
};

/**
 * Asks the system's file dialog for one or several files of `kind`; resolves to their paths,
 * or to none when the person cancels. The paths then go to Rust like dropped or typed ones.
 */
export async function pickFiles(
  kind: PickKind,
  { multiple, title, filterName }: { multiple: boolean; title: string; filterName: string },
): Promise<string[]> {
  const picked = await openFileDialog({
    title,
    multiple,
    directory: false,
    filters: [{ name: filterName, extensions: pickExtensions[kind] }],
  });
  if (picked === null) return [];
  return Array.isArray(picked) ? picked : [picked];
}

/**
 * Asks the system's save dialog where to write a CSV file, suggesting `suggestedName`;
 * resolves to the chosen path, or to null when the person cancels.
 */
export async function pickSavePath({
  title,
  suggestedName,
  filterName,
}: {
  title: string;
  suggestedName: string;
  filterName: string;
}): Promise<string | null> {
  return saveFileDialog({
    title,
    defaultPath: suggestedName,
    filters: [{ name: filterName, extensions: ["csv"] }],
  });
}

// ---- The back office: the shop's own tracks ----------------------------------------------

/** Every track of the signed-in owner's shop, drafts and unpublished ones too. */
export function useMyTracks(shopId: string | null) {
  return useQuery({
    queryKey: queryKeys.myTracks(shopId ?? ""),
    queryFn: () => unwrap(commands.myTracks()),
    enabled: shopId !== null,
  });
}

/** Uploads local files (by path) as new tracks; progress per file arrives as events. */
export function useUploadTracks() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (files: string[]) => {
      client.setQueryData<UploadProgressMap>(queryKeys.uploadProgress, (known) => {
        const next = { ...(known ?? {}) };
        for (const file of files) next[file] = { sent: 0, total: 0 };
        return next;
      });
      return unwrap(commands.uploadTracks(files));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["my-tracks"] }),
  });
}

/** How far each file being uploaded has got (filled by events). */
export function useUploadProgress() {
  return useQuery<UploadProgressMap>({
    queryKey: queryKeys.uploadProgress,
    queryFn: () => ({}),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function useTrackMutation<A>(call: (args: A) => Promise<TrackView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["my-tracks"] });
      void client.invalidateQueries({ queryKey: queryKeys.store });
    },
  });
}

/** Changes a track's metadata, lyrics, price or whether it is on sale. */
export function useEditTrack() {
  return useTrackMutation(({ id, edit }: { id: string; edit: TrackEdit }) =>
    unwrap(commands.editTrack(id, edit)),
  );
}

/** Sets a track's cover from a local image file. */
export function useSetTrackCover() {
  return useTrackMutation(({ id, path }: { id: string; path: string }) =>
    unwrap(commands.setTrackCover(id, path)),
  );
}

export { applyBackendStatus, applyIncomeEvent, useLiveEvents, usePlayerEvents } from "./live";

// ---- Playback: previews through the engine, never the webview ----------------------------

/** What the engine is playing, kept current by player events. */
export function useNowPlaying() {
  return useQuery({
    queryKey: queryKeys.nowPlaying,
    // Asked when a window opens (or reloads while something plays); events keep it current.
    // A change heard while asking may be newer than the answer: then ask again.
    queryFn: async () => {
      for (let attempt = 1; ; attempt += 1) {
        const before = playerChangesHeard();
        const status = await unwrap(commands.playerStatus()).then(nowPlayingOf, () => null);
        if (playerChangesHeard() === before || attempt === 3) return status ?? NOTHING_PLAYING;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Opens the mini player window (or brings it forward). */
export function useOpenMiniPlayer() {
  return useMutation({ mutationFn: () => unwrap(commands.openMiniPlayer()) });
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
