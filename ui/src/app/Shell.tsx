import { NavLink, Outlet } from "react-router";
import logo from "../assets/logo.svg";
import { type MessageKey, useI18n } from "../i18n";
import { DashboardIcon, LibraryIcon, SettingsIcon, StoreIcon } from "./icons";
import { StatusLine } from "./StatusLine";

const sections: { path: string; label: MessageKey; Icon: () => React.JSX.Element }[] = [
  { path: "/store", label: "nav.store", Icon: StoreIcon },
  { path: "/library", label: "nav.library", Icon: LibraryIcon },
  { path: "/dashboard", label: "nav.dashboard", Icon: DashboardIcon },
  { path: "/settings", label: "nav.settings", Icon: SettingsIcon },
];

/** The window's frame: navigation on the left, the current page, the status line below. */
export function Shell() {
  const { t } = useI18n();
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
          {sections.map(({ path, label, Icon }) => (
            <NavLink key={path} to={path} className="nav-link">
              <Icon />
              <span>{t(label)}</span>
            </NavLink>
          ))}
        </nav>
      </aside>
      <main className="content">
        <Outlet />
      </main>
      <StatusLine />
    </div>
  );
}
