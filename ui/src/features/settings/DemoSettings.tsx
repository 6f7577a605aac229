import { useId, useState } from "react";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { errorKey } from "../../i18n/messages";
import { errorCode, useResetDemo, useSetSimulator, useSimulatorSettings } from "../../ipc";

/** Paces offered for the simulated market, in seconds between sales. */
const paces = [1, 2, 4, 8, 15, 30, 60];

/** Demo mode: the simulated market's pace, pausing it, and starting the demo over. */
export function DemoSettings() {
  const { t } = useI18n();
  const simulator = useSimulatorSettings(true);
  const setSimulator = useSetSimulator();
  const [confirming, setConfirming] = useState(false);
  const paceId = useId();

  const seconds = simulator.data
    ? Math.max(1, Math.round(simulator.data.meanIntervalMs / 1000))
    : 4;
  const options = paces.includes(seconds) ? paces : [...paces, seconds].sort((a, b) => a - b);

  return (
    <section className="card" aria-labelledby="settings-demo" data-testid="demo-settings">
      <h2 id="settings-demo">{t("settings.demo")}</h2>
      <p>{t("settings.demo.body")}</p>

      <h3 className="card-subtitle">{t("settings.simulator")}</h3>
      {simulator.isPending ? (
        <p className="muted">{t("common.loading")}</p>
      ) : simulator.isError ? (
        <ErrorNotice error={simulator.error} onRetry={() => simulator.refetch()} />
      ) : (
        <div className="settings-row">
          <button
            type="button"
            className="button secondary"
            aria-pressed={simulator.data.paused}
            data-testid="simulator-toggle"
            onClick={() =>
              setSimulator.mutate({ ...simulator.data, paused: !simulator.data.paused })
            }
          >
            {simulator.data.paused ? t("settings.simulator.resume") : t("settings.simulator.pause")}
          </button>
          <span className="muted" data-testid="simulator-state">
            {simulator.data.paused
              ? t("settings.simulator.paused")
              : t("settings.simulator.running")}
          </span>
          <label htmlFor={paceId} className="settings-pace">
            {t("settings.simulator.pace.before")}
            <select
              id={paceId}
              value={seconds}
              data-testid="simulator-pace"
              onChange={(event) =>
                setSimulator.mutate({
                  ...simulator.data,
                  meanIntervalMs: Number(event.target.value) * 1000,
                })
              }
            >
              {options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
            {t("settings.simulator.pace.after")}
          </label>
        </div>
      )}
      {setSimulator.isError && (
        <p className="form-error" role="alert">
          {t(errorKey(errorCode(setSimulator.error)))}
        </p>
      )}

      <h3 className="card-subtitle">{t("settings.reset")}</h3>
      <div className="settings-row">
        <button
          type="button"
          className="button danger"
          data-testid="reset-demo"
          onClick={() => setConfirming(true)}
        >
          {t("settings.reset.button")}
        </button>
        <span className="muted">{t("settings.reset.hint")}</span>
      </div>
      {confirming && <ResetDialog onClose={() => setConfirming(false)} />}
    </section>
  );
}

function ResetDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const reset = useResetDemo();
  return (
    <Dialog
      title={t("settings.reset.confirm.title")}
      onClose={onClose}
      dismissible={!reset.isPending}
      testId="reset-dialog"
    >
      <p>{t("settings.reset.confirm.body")}</p>
      {reset.isError && (
        <p className="form-error" role="alert">
          {t(errorKey(errorCode(reset.error)))}
        </p>
      )}
      <div className="button-row end">
        <button
          type="button"
          className="button secondary"
          onClick={onClose}
          disabled={reset.isPending}
        >
          {t("common.cancel")}
        </button>
        <button
          type="button"
          className="button danger"
          data-testid="confirm-reset"
          disabled={reset.isPending}
          onClick={() => reset.mutate(undefined, { onSuccess: onClose })}
        >
          {reset.isPending ? t("startup.resetting") : t("settings.reset.confirm.button")}
        </button>
      </div>
    </Dialog>
  );
}
