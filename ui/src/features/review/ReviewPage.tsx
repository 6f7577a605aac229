import { useId, useState } from "react";
import { formatDateTime } from "../../app/format";
import { Dialog } from "../../components/Dialog";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { type MessageKey, useI18n } from "../../i18n";
import { errorKey } from "../../i18n/messages";
import {
  type ApplicationView,
  errorCode,
  useApproveApplication,
  useBackendStatus,
  useNowPlaying,
  usePlayReviewSample,
  useRejectApplication,
  useReviewInbox,
  useTogglePlayback,
} from "../../ipc";

const historyActions: Record<string, MessageKey> = {
  submit: "shop.history.submit",
  approve: "shop.history.approve",
  reject: "shop.history.reject",
  edit: "shop.history.edit",
};

/** The reviewer's inbox: shop applications waiting for a decision. */
export function ReviewPage() {
  const { t } = useI18n();
  const status = useBackendStatus();
  const isReviewer = status.data?.user?.roles.includes("reviewer") ?? false;
  const inbox = useReviewInbox(isReviewer);
  const [decided, setDecided] = useState<string | null>(null);

  return (
    <Page title={t("review.title")} lead={t("review.lead")} testId="review-page">
      <p className="visually-hidden" role="status">
        {decided ?? ""}
      </p>
      {!isReviewer ? (
        <EmptyState title={t("review.notReviewer.title")}>
          {t("review.notReviewer.body")}
        </EmptyState>
      ) : inbox.isPending ? (
        <Loading rows={3} />
      ) : inbox.isError ? (
        <ErrorNotice error={inbox.error} onRetry={() => inbox.refetch()} />
      ) : inbox.data.length === 0 ? (
        <EmptyState title={t("review.empty.title")}>{t("review.empty.body")}</EmptyState>
      ) : (
        <ul className="inbox" aria-label={t("review.title")}>
          {inbox.data.map((application) => (
            <InboxItem key={application.id} application={application} onDecided={setDecided} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function InboxItem({
  application,
  onDecided,
}: {
  application: ApplicationView;
  onDecided: (message: string) => void;
}) {
  const { t, language } = useI18n();
  const approve = useApproveApplication();
  const reject = useRejectApplication();
  const [rejecting, setRejecting] = useState(false);
  const headingId = useId();
  const { draft } = application;
  const submitted = application.history.find((event) => event.to_state === "submitted");
  const earlier = application.history;
  const busy = approve.isPending || reject.isPending;

  return (
    <li className="inbox-item" data-testid="inbox-item" data-application-id={application.id}>
      <article aria-labelledby={headingId}>
        <header className="inbox-header">
          <h2 id={headingId}>{draft.shop_name}</h2>
          <ShopKindBadge kind={draft.kind} />
          {submitted && (
            <time className="muted small" dateTime={new Date(submitted.at_ms).toISOString()}>
              {t("review.submitted", { when: formatDateTime(submitted.at_ms, language) })}
            </time>
          )}
        </header>
        <dl className="facts">
          <dt>{t("review.kind")}</dt>
          <dd>{draft.kind === "label" ? t("shop.kind.label") : t("shop.kind.independent")}</dd>
          <dt>{t("review.legalName")}</dt>
          <dd>{draft.legal_name}</dd>
          <dt>{t("review.contact")}</dt>
          <dd>{draft.contact}</dd>
          <dt>{t("review.payoutAccount")}</dt>
          <dd className="mono">{draft.payout_account}</dd>
          <dt>{t("review.declaration")}</dt>
          <dd className={draft.declares_own_copyright_no_covers ? "ok-text" : "error-text"}>
            {draft.declares_own_copyright_no_covers
              ? t("review.declaration.yes")
              : t("review.declaration.no")}
          </dd>
          <dt>{t("review.sample")}</dt>
          <dd>
            {application.has_sample ? (
              <SamplePlayer applicationId={application.id} />
            ) : (
              t("review.sample.no")
            )}
          </dd>
        </dl>
        {earlier.length > 0 && (
          <div className="inbox-history">
            <h3>{t("review.history")}</h3>
            <ul>
              {earlier.map((event) => (
                <li key={`${event.at_ms}-${event.action}`}>
                  <time dateTime={new Date(event.at_ms).toISOString()}>
                    {formatDateTime(event.at_ms, language)}
                  </time>{" "}
                  · {t(historyActions[event.action] ?? "shop.history.edit")}
                  {event.reason && <> · {event.reason}</>}
                </li>
              ))}
            </ul>
          </div>
        )}
        {approve.isError && (
          <p className="form-error" role="alert">
            {t(errorKey(errorCode(approve.error)))}
          </p>
        )}
        <div className="button-row">
          <button
            type="button"
            className="button primary"
            data-testid="approve-button"
            disabled={busy}
            onClick={() =>
              approve.mutate(application.id, {
                onSuccess: () => onDecided(t("review.approved", { shop: draft.shop_name })),
              })
            }
          >
            {approve.isPending ? t("review.approving") : t("review.approve")}
          </button>
          <button
            type="button"
            className="button danger"
            data-testid="reject-button"
            disabled={busy}
            onClick={() => setRejecting(true)}
          >
            {t("review.reject")}
          </button>
        </div>
      </article>
      {rejecting && (
        <RejectDialog
          shopName={draft.shop_name}
          pending={reject.isPending}
          error={reject.error}
          onCancel={() => {
            reject.reset();
            setRejecting(false);
          }}
          onReject={(reason) =>
            reject.mutate(
              { id: application.id, reason },
              {
                onSuccess: () => {
                  setRejecting(false);
                  onDecided(t("review.rejected", { shop: draft.shop_name }));
                },
              },
            )
          }
        />
      )}
    </li>
  );
}

/** Plays the application's sample through the audio engine (never the webview). */
function SamplePlayer({ applicationId }: { applicationId: string }) {
  const { t } = useI18n();
  const play = usePlayReviewSample();
  const toggle = useTogglePlayback();
  const now = useNowPlaying().data;
  const started = play.isSuccess && play.variables === applicationId;
  const playing = started && now?.trackId === null && now.state === "playing";
  return (
    <span className="sample-player" data-testid="sample-player" data-playing={playing}>
      <span>{t("review.sample.yes")}</span>
      {started && now && now.state !== "stopped" ? (
        <button
          type="button"
          className="button secondary small"
          data-testid="sample-toggle"
          onClick={() => toggle.mutate()}
        >
          {playing ? t("review.pauseSample") : t("review.playSample")}
        </button>
      ) : (
        <button
          type="button"
          className="button secondary small"
          data-testid="play-sample"
          disabled={play.isPending}
          onClick={() => play.mutate(applicationId)}
        >
          {t("review.playSample")}
        </button>
      )}
      {playing && (
        <span className="muted small" role="status">
          {t("review.playingSample")}
        </span>
      )}
      {play.isError && (
        <span className="form-error" role="alert">
          {t(errorKey(errorCode(play.error)))}
        </span>
      )}
    </span>
  );
}

function RejectDialog({
  shopName,
  pending,
  error,
  onCancel,
  onReject,
}: {
  shopName: string;
  pending: boolean;
  error: unknown;
  onCancel: () => void;
  onReject: (reason: string) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const fieldId = useId();
  const hintId = useId();
  const missing = reason.trim() === "";
  return (
    <Dialog
      title={t("review.rejectTitle", { shop: shopName })}
      onClose={onCancel}
      dismissible={!pending}
      testId="reject-dialog"
    >
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (!missing) onReject(reason.trim());
        }}
      >
        <label htmlFor={fieldId}>{t("review.reason")}</label>
        <textarea
          id={fieldId}
          rows={4}
          value={reason}
          aria-required="true"
          aria-invalid={touched && missing}
          aria-describedby={hintId}
          data-autofocus
          data-testid="reject-reason"
          onChange={(event) => setReason(event.target.value)}
        />
        <p id={hintId} className={touched && missing ? "form-error" : "hint"}>
          {touched && missing ? t("review.reason.required") : t("review.reason.hint")}
        </p>
        {error !== null && (
          <p className="form-error" role="alert">
            {t(errorKey(errorCode(error)))}
          </p>
        )}
        <div className="button-row end">
          <button type="button" className="button secondary" onClick={onCancel} disabled={pending}>
            {t("common.cancel")}
          </button>
          <button
            type="submit"
            className="button danger"
            disabled={pending}
            data-testid="confirm-reject"
          >
            {pending ? t("review.rejecting") : t("review.confirmReject")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
