import { Link } from "react-router";
import { formatDateTime } from "../../app/format";
import { paths } from "../../app/paths";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { type MessageKey, useI18n } from "../../i18n";
import type { ApplicationView } from "../../ipc";

const stateTitles: Record<string, MessageKey> = {
  submitted: "shop.status.submitted.title",
  rejected: "shop.status.rejected.title",
  approved: "shop.status.approved.title",
};

const stateBodies: Record<string, MessageKey> = {
  submitted: "shop.status.submitted.body",
  rejected: "shop.status.rejected.body",
  approved: "shop.status.approved.body",
};

const actionNames: Record<string, MessageKey> = {
  submit: "shop.history.submit",
  approve: "shop.history.approve",
  reject: "shop.history.reject",
  edit: "shop.history.edit",
};

/** Where a sent application stands: waiting, rejected with the reviewer's reason, or open. */
export function ApplicationStatus({
  application,
  onFix,
}: {
  application: ApplicationView;
  onFix: () => void;
}) {
  const { t, language } = useI18n();
  const { state, draft } = application;
  const title = stateTitles[state] ?? "shop.status.submitted.title";
  const body = stateBodies[state] ?? "shop.status.submitted.body";
  return (
    <div className="application-status" data-testid="application-status" data-state={state}>
      <section className={`card status-card status-${state}`} aria-labelledby="application-state">
        <div className="status-head">
          <span className={`state-pill state-${state}`} data-testid="application-state">
            {t(`shop.state.${state}` as MessageKey)}
          </span>
          <ShopKindBadge kind={draft.kind} />
        </div>
        <h2 id="application-state">{t(title, { shop: draft.shop_name })}</h2>
        <p>{t(body)}</p>
        {state === "rejected" && (
          <blockquote className="rejection-reason" data-testid="rejection-reason">
            <span className="muted small">{t("shop.status.reason")}</span>
            <p>{application.rejection_reason}</p>
          </blockquote>
        )}
        <div className="button-row">
          {state === "rejected" && (
            <button
              type="button"
              className="button primary"
              data-testid="fix-application"
              onClick={onFix}
            >
              {t("shop.status.fix")}
            </button>
          )}
          {state === "approved" && (
            <Link className="button primary" to={paths.dashboard} data-testid="go-to-dashboard">
              {t("shop.open.toDashboard")}
            </Link>
          )}
        </div>
      </section>
      <section className="card" aria-labelledby="application-summary">
        <h2 id="application-summary">{t("shop.summary")}</h2>
        <dl className="facts">
          <dt>{t("shop.field.shopName")}</dt>
          <dd>{draft.shop_name}</dd>
          <dt>{t("shop.field.legalName")}</dt>
          <dd>{draft.legal_name}</dd>
          <dt>{t("shop.field.contact")}</dt>
          <dd>{draft.contact}</dd>
          <dt>{t("shop.field.payoutAccount")}</dt>
          <dd className="mono">{draft.payout_account}</dd>
          <dt>{t("review.sample")}</dt>
          <dd>{application.has_sample ? t("review.sample.yes") : t("review.sample.no")}</dd>
        </dl>
      </section>
      {application.history.length > 0 && (
        <section className="card" aria-labelledby="application-history">
          <h2 id="application-history">{t("shop.history")}</h2>
          <ol className="timeline" data-testid="application-history">
            {application.history.map((event) => (
              <li key={`${event.at_ms}-${event.action}`}>
                <time dateTime={new Date(event.at_ms).toISOString()}>
                  {formatDateTime(event.at_ms, language)}
                </time>
                <span>{t(actionNames[event.action] ?? "shop.history.edit")}</span>
                {event.reason && <q>{event.reason}</q>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
