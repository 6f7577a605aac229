import { Navigate, type RouteObject } from "react-router";
import { DashboardPage } from "../features/dashboard/DashboardPage";
import { LibraryPage } from "../features/library/LibraryPage";
import { SettingsPage } from "../features/settings/SettingsPage";
import { StorePage } from "../features/store/StorePage";
import { Shell } from "./Shell";

export const routes: RouteObject[] = [
  {
    path: "/",
    element: <Shell />,
    children: [
      { index: true, element: <Navigate to="/store" replace /> },
      { path: "store", element: <StorePage /> },
      { path: "library", element: <LibraryPage /> },
      { path: "dashboard", element: <DashboardPage /> },
      { path: "settings", element: <SettingsPage /> },
    ],
  },
];
