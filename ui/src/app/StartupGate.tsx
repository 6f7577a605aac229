import type { ReactNode } from "react";
import logo from "../assets/logo.svg";
import { type MessageKey, useI18n } from "../i18n";
import { errorKey } from "../i18n/messages";
import {
  type EmbeddedError,
  errorCode,
  type SeedStatus,
  type SeedStepView,
  useBackendStatus,
  useLiveEvents,
  useResetDemo,
  useRetryBackend,
} from "../ipc";

/** The seed's steps in order, with the share of the whole wait each one takes. */
const steps: { step: Exclude<SeedStepView, "done">; weight: number; label: MessageKey }[] = [
  { step: "music", weight: 70, label: "startup.step.music" },
  { step: "accounts", weight: 5, label: "startup.step.accounts" },
  { step: "shops", weight: 10, label: "startup.step.shops" },
  { step: "history", weight: 15, label: "startup.step.history" },
];

/** How far the whole seed is, 0–100. */
export function seedPercent(seed: SeedStatus): number {
  if (seed.step === "done") return 100;
  let percent = 0;
  for (const { step, weight } of steps) {
    if (step === seed.step) {
      const fraction = seed.total > 0 ? Math.min(seed.done, seed.total) / seed.total : 0;
      return Math.round(percent + weight * fraction);
    }
    percent += weight;
  }
  return percent;
}

const stepStateKeys: Record<"done" | "current" | "pending", MessageKey> = {
  done: "startup.stepState.done",
  current: "startup.stepState.current",
  pending: "startup.stepState.pending",
};

const failureKeys: Record<EmbeddedError["kind"], MessageKey> = {
  folder: "startup.failed.folder",
  database: "startup.failed.database",
  network: "startup.failed.network",
  seed: "startup.failed.seed",
};

/**
 * Keeps the app behind a friendly first-launch screen until the backend is ready: a real
 * progress bar while the demo store is seeded, and a way out (retry, reset) if it fails.
 * Also where Rust's events are listened to, for the app's whole life.
 */
export function StartupGate({ children }: { children: ReactNode }) {
  useLiveEvents();
  const { t } = useI18n();
  const status = useBackendStatus();

  if (status.isPending) return <StartingScreen seed={null} />;
  if (status.isError) {
    return (
      <FailureScreen
        message={t(errorKey(errorCode(status.error)))}
        details={status.error.message}
        onRetry={() => status.refetch()}
      />
    );
  }
  const { phase } = status.data;
  // Offline, everything local works: the shell says the server is away and keeps trying.
  if (phase.phase === "ready" || phase.phase === "offline") return children;
  if (phase.phase === "starting") return <StartingScreen seed={phase.seed} />;
  return (
    <FailureScreen message={t(failureKeys[phase.error.kind])} details={phase.message} canReset />
  );
}

function Splash({ children, busy }: { children: ReactNode; busy: boolean }) {
  const { t } = useI18n();
  return (
    <main className="splash" aria-busy={busy}>
      <div className="splash-card">
        <div className="splash-brand">
          <img src={logo} alt="" width={56} height={56} />
          <div>
            <div className="splash-name">{t("app.name")}</div>
            <div className="splash-tagline">{t("app.tagline")}</div>
          </div>
        </div>
        {children}
      </div>
    </main>
  );
}

function StartingScreen({ seed }: { seed: SeedStatus | null }) {
  const { t } = useI18n();
  const percent = seed ? seedPercent(seed) : null;
  const current = seed ? stepText(seed, t) : t("startup.opening");
  const currentIndex = seed ? steps.findIndex(({ step }) => step === seed.step) : -1;
  return (
    <Splash busy>
      <h1 className="splash-title">{seed ? t("startup.seeding.title") : t("startup.title")}</h1>
      <p className="splash-lead">{seed ? t("startup.seeding.lead") : t("startup.lead")}</p>
      <div
        className="progress"
        role="progressbar"
        aria-label={t("startup.progress")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={current}
        data-testid="startup-progress"
        data-state={percent === null ? "indeterminate" : "determinate"}
      >
        <div className="progress-fill" style={{ width: `${percent ?? 100}%` }} />
      </div>
      <p className="progress-label" aria-hidden="true">
        <span>{current}</span>
        {percent !== null && <span>{percent}%</span>}
      </p>
      {seed && (
        <ol className="seed-steps">
          {steps.map(({ step, label }, index) => {
            const state =
              seed.step === "done" || index < currentIndex
                ? "done"
                : index === currentIndex
                  ? "current"
                  : "pending";
            return (
              <li key={step} data-state={state}>
                <span className="seed-step-mark" aria-hidden="true" />
                {t(label)}
                <span className="visually-hidden"> · {t(stepStateKeys[state])}</span>
              </li>
            );
          })}
        </ol>
      )}
    </Splash>
  );
}

function stepText(seed: SeedStatus, t: ReturnType<typeof useI18n>["t"]): string {
  switch (seed.step) {
    case "music":
      return t("startup.now.music", { done: seed.done, total: seed.total });
    case "accounts":
      return t("startup.now.accounts");
    case "shops":
      return t("startup.now.shops");
    case "history":
      return t("startup.now.history");
    case "done":
      return t("startup.now.done");
  }
}

function FailureScreen({
  message,
  details,
  onRetry,
  canReset = false,
}: {
  message: string;
  details: string;
  onRetry?: () => void;
  canReset?: boolean;
}) {
  const { t } = useI18n();
  const retry = useRetryBackend();
  const reset = useResetDemo();
  const busy = retry.isPending || reset.isPending;
  const failedAction = retry.error ?? reset.error;
  return (
    <Splash busy={busy}>
      <div role="alert" data-testid="startup-failure">
        <h1 className="splash-title">{t("startup.failed.title")}</h1>
        <p className="splash-lead">{message}</p>
      </div>
      <details className="splash-details">
        <summary>{t("startup.failed.details")}</summary>
        <p className="mono">{details}</p>
      </details>
      {failedAction && (
        <p className="form-error" role="alert">
          {t(errorKey(errorCode(failedAction)))}
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() => (onRetry ? onRetry() : retry.mutate())}
          data-testid="startup-retry"
        >
          {retry.isPending ? t("startup.retrying") : t("common.retry")}
        </button>
        {canReset && (
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={() => reset.mutate()}
            data-testid="startup-reset"
          >
            {reset.isPending ? t("startup.resetting") : t("startup.reset")}
          </button>
        )}
      </div>
      {canReset && <p className="hint">{t("startup.reset.hint")}</p>}
    </Splash>
  );
}
