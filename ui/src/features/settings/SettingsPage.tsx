import { Page } from "../../components/Page";
import { ErrorNotice } from "../../components/QueryState";
import { languageNames, languages, useI18n } from "../../i18n";
import { useAppStatus, useBackendStatus, usePreferences, useSetPreferences } from "../../ipc";
import { ConnectedSettings } from "./ConnectedSettings";
import { DemoSettings } from "./DemoSettings";

export function SettingsPage() {
  const { t, language, setLanguage } = useI18n();
  const status = useAppStatus();
  const backend = useBackendStatus();

  return (
    <Page title={t("settings.title")}>
      <section className="card" aria-labelledby="settings-language">
        <h2 id="settings-language">{t("settings.language")}</h2>
        <fieldset className="segmented" aria-describedby="settings-language-hint">
          <legend className="visually-hidden">{t("settings.language")}</legend>
          {languages.map((option) => (
            <button
              key={option}
              type="button"
              lang={option}
              aria-pressed={language === option}
              data-testid={`language-${option}`}
              onClick={() => setLanguage(option)}
            >
              {languageNames[option]}
            </button>
          ))}
        </fieldset>
        <p id="settings-language-hint" className="hint">
          {t("settings.language.hint")}
        </p>
      </section>

      <NotificationSettings />

      <section className="card" aria-labelledby="settings-appearance">
        <h2 id="settings-appearance">{t("settings.appearance")}</h2>
        <p>{t("settings.appearance.body")}</p>
      </section>

      {backend.data?.mode === "demo" && <DemoSettings />}

      <ConnectedSettings />

      <section className="card" aria-labelledby="settings-about">
        <h2 id="settings-about">{t("settings.about")}</h2>
        {status.data && (
          <dl className="facts">
            <dt>{t("settings.version")}</dt>
            <dd>{status.data.version}</dd>
            <dt>{t("settings.platform")}</dt>
            <dd>{status.data.platform}</dd>
            <dt>{t("settings.dataDir")}</dt>
            <dd className="mono" data-testid="data-dir">
              {status.data.dataDir}
            </dd>
            <dt>{t("settings.dataDirState")}</dt>
            <dd>
              {status.data.dataDirWritable ? t("settings.writable") : t("settings.notWritable")}
            </dd>
          </dl>
        )}
      </section>
    </Page>
  );
}

/** Whether each sale of the person's shop raises a desktop notification (Rust keeps it). */
function NotificationSettings() {
  const { t } = useI18n();
  const preferences = usePreferences();
  const save = useSetPreferences();
  const current = preferences.data;
  return (
    <section className="card" aria-labelledby="settings-notifications">
      <h2 id="settings-notifications">{t("settings.notifications")}</h2>
      <label className="check-row">
        <input
          type="checkbox"
          data-testid="sale-notifications"
          checked={current?.saleNotifications ?? false}
          disabled={!current}
          aria-describedby="settings-notifications-hint"
          onChange={(event) => {
            if (current) save.mutate({ ...current, saleNotifications: event.target.checked });
          }}
        />
        <span>{t("settings.notifications.sales")}</span>
      </label>
      <p id="settings-notifications-hint" className="hint">
        {t("settings.notifications.hint")}
      </p>
      {preferences.isError && <ErrorNotice error={preferences.error} />}
      {save.isError && <ErrorNotice error={save.error} />}
    </section>
  );
}
