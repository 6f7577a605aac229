import { NavLink, Outlet } from "react-router";
import logo from "../assets/logo.svg";
import { NowPlayingBar } from "../features/player/NowPlayingBar";
import { PurchaseProvider } from "../features/store/purchase";
import { type MessageKey, useI18n } from "../i18n";
import { useBackendStatus, useNotificationLanguage } from "../ipc";
import { DashboardIcon, LibraryIcon, ReviewIcon, SettingsIcon, StoreIcon } from "./icons";
import { OfflineBanner } from "./OfflineBanner";
import { PersonaSwitcher } from "./PersonaSwitcher";
import { StatusLine } from "./StatusLine";

type Section = { path: string; label: MessageKey; Icon: () => React.JSX.Element };

const sections: Section[] = [
  { path: "/store", label: "nav.store", Icon: StoreIcon },
  { path: "/library", label: "nav.library", Icon: LibraryIcon },
  { path: "/dashboard", label: "nav.dashboard", Icon: DashboardIcon },
];
const review: Section = { path: "/review", label: "nav.review", Icon: ReviewIcon };
const settings: Section = { path: "/settings", label: "nav.settings", Icon: SettingsIcon };

/** The window's frame: navigation on the left, who you are on top, the page, the status line. */
export function Shell() {
  const { t, language } = useI18n();
  const status = useBackendStatus();
  useNotificationLanguage(language);
  const isReviewer = status.data?.user?.roles.includes("reviewer") ?? false;
  const shown = [...sections, ...(isReviewer ? [review] : []), settings];
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <img src={logo} alt="" width={32} height={32} />
          <div>
            <div className="brand-name">{t("app.name")}</div>
            <div className="brand-tagline">{t("app.tagline")}</div>
          </div>
        </div>
        <nav aria-label={t("nav.label")} data-testid="nav">
          {shown.map(({ path, label, Icon }) => (
            <NavLink key={path} to={path} className="nav-link">
              <Icon />
              <span>{t(label)}</span>
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="main-column">
        <header className="topbar">
          <OfflineBanner />
          <PersonaSwitcher />
        </header>
        <main className="content">
          <PurchaseProvider>
            <Outlet />
          </PurchaseProvider>
        </main>
      </div>
      <NowPlayingBar />
      <StatusLine />
    </div>
  );
}
