import { Navigate, type RouteObject } from "react-router";
import { DashboardPage } from "../features/dashboard/DashboardPage";
import { LibraryPage } from "../features/library/LibraryPage";
import { MiniPlayer } from "../features/player/MiniPlayer";
import { ReviewPage } from "../features/review/ReviewPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { OpenShopPage } from "../features/shop/OpenShopPage";
import { TracksPage } from "../features/shop/TracksPage";
import { OrdersPage } from "../features/store/OrdersPage";
import { ReleasePage } from "../features/store/ReleasePage";
import { ShopPage } from "../features/store/ShopPage";
import { StorePage } from "../features/store/StorePage";
import { TrackPage } from "../features/store/TrackPage";
import { SubscriptionPage } from "../features/subscription/SubscriptionPage";
import { useBackendStatus } from "../ipc";
import { paths } from "./paths";
import { Shell } from "./Shell";
import { StartupGate } from "./StartupGate";

/** Where the app opens: the store, or the library when the store's server is away. */
function Home() {
  const offline = useBackendStatus().data?.phase.phase === "offline";
  return <Navigate to={offline ? paths.library : paths.store} replace />;
}

export const routes: RouteObject[] = [
  // The mini player's own window: no shell, no backend, only the player.
  { path: "/mini", element: <MiniPlayer /> },
  {
    path: "/",
    element: (
      <StartupGate>
        <Shell />
      </StartupGate>
    ),
    children: [
      { index: true, element: <Home /> },
      { path: "store", element: <StorePage /> },
      { path: "store/orders", element: <OrdersPage /> },
      { path: "store/subscription", element: <SubscriptionPage /> },
      { path: "store/shop/:id", element: <ShopPage /> },
      { path: "store/release/:id", element: <ReleasePage /> },
      { path: "store/track/:id", element: <TrackPage /> },
      { path: "library", element: <LibraryPage /> },
      { path: "dashboard", element: <DashboardPage /> },
      { path: "review", element: <ReviewPage /> },
      { path: "shop/open", element: <OpenShopPage /> },
      { path: "shop/tracks", element: <TracksPage /> },
      { path: "settings", element: <SettingsPage /> },
      { path: "*", element: <Navigate to={paths.store} replace /> },
    ],
  },
];
