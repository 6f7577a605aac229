import { type FormEvent, useId, useState } from "react";
import { ErrorNotice } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { useBackendStatus, useConnect, useConnection, useSignOut } from "../../ipc";

/**
 * Connected mode: a remote backend's address and an account. The session token goes to the
 * OS keyring in Rust; this form never sees it.
 */
export function ConnectedSettings() {
  const { t } = useI18n();
  const backend = useBackendStatus().data;
  const connection = useConnection();
  const connect = useConnect();
  const signOut = useSignOut();
  const remembered = connection.data?.remembered;
  const [url, setUrl] = useState<string | null>(null);
  const [email, setEmail] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [registering, setRegistering] = useState(false);
  const ids = { url: useId(), email: useId(), password: useId(), name: useId() };
  const persistence = connection.data?.persistence;

  if (backend?.mode === "connected" && backend.user) {
    return (
      <section className="card" aria-labelledby="settings-backend" data-testid="connected-settings">
        <h2 id="settings-backend">{t("settings.backend")}</h2>
        <p data-testid="connected-as">
          {t("settings.backend.signedInAs", {
            name: backend.user.display_name,
            url: remembered?.backendUrl ?? "",
          })}
        </p>
        {persistence?.mode === "untilQuit" && (
          <p className="hint">
            {t("settings.backend.untilQuit", { reason: persistence.reason.message })}
          </p>
        )}
        <button
          type="button"
          className="button secondary"
          data-testid="sign-out"
          disabled={signOut.isPending}
          onClick={() => signOut.mutate()}
        >
          {t("settings.backend.signOut")}
        </button>
        {signOut.isError && <ErrorNotice error={signOut.error} />}
      </section>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    connect.mutate({
      url: url ?? remembered?.backendUrl ?? "",
      email: email ?? remembered?.email ?? "",
      password,
      ...(registering ? { displayName } : {}),
    });
  };

  return (
    <section className="card" aria-labelledby="settings-backend" data-testid="connected-settings">
      <h2 id="settings-backend">{t("settings.backend")}</h2>
      <p>{t("settings.backend.body")}</p>
      {persistence?.mode === "untilQuit" && (
        <p className="hint" data-testid="keyring-unavailable">
          {t("settings.backend.untilQuit", { reason: persistence.reason.message })}
        </p>
      )}
      <form className="settings-form" onSubmit={submit}>
        <label htmlFor={ids.url}>{t("settings.backend.url")}</label>
        <input
          id={ids.url}
          type="url"
          required
          placeholder="https://shop.example.com"
          value={url ?? remembered?.backendUrl ?? ""}
          onChange={(event) => setUrl(event.target.value)}
          data-testid="backend-url"
        />
        <label htmlFor={ids.email}>{t("settings.backend.email")}</label>
        <input
          id={ids.email}
          type="email"
          required
          autoComplete="username"
          value={email ?? remembered?.email ?? ""}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor={ids.password}>{t("settings.backend.password")}</label>
        <input
          id={ids.password}
          type="password"
          required
          autoComplete={registering ? "new-password" : "current-password"}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {registering && (
          <>
            <label htmlFor={ids.name}>{t("settings.backend.name")}</label>
            <input
              id={ids.name}
              required
              value={displayName}
              onChange={(event) => setDisplayName(event.target.value)}
            />
          </>
        )}
        <div className="settings-row">
          <button
            type="submit"
            className="button"
            disabled={connect.isPending}
            data-testid="connect"
          >
            {t(registering ? "settings.backend.register" : "settings.backend.signIn")}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => setRegistering(!registering)}
          >
            {t(registering ? "settings.backend.haveAccount" : "settings.backend.newAccount")}
          </button>
        </div>
      </form>
      {connect.isError && <ErrorNotice error={connect.error} />}
    </section>
  );
}
