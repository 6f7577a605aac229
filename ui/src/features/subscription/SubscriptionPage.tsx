import { useCallback, useState } from "react";
import { formatFen } from "../../app/format";
import { Dialog } from "../../components/Dialog";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { Section } from "../../components/Section";
import { useI18n } from "../../i18n";
import { errorKey } from "../../i18n/messages";
import {
  errorCode,
  newAttemptId,
  type SubscriptionPage as PageData,
  type SubscriberStatement,
  useCancelSubscription,
  useSubscribe,
  useSubscriptionPage,
} from "../../ipc";
import { BackLink } from "../store/BackLink";
import { AwaitingPayment } from "../store/payment";

/** The monthly plan: what it costs and includes, its published limits, your months and fees. */
export function SubscriptionPage() {
  const { t } = useI18n();
  const page = useSubscriptionPage();
  return (
    <Page title={t("subscription.title")} lead={t("subscription.lead")} testId="subscription-page">
      <BackLink />
      {page.isPending ? (
        <Loading rows={4} />
      ) : page.isError ? (
        <ErrorNotice error={page.error} onRetry={() => page.refetch()} />
      ) : (
        <Subscription data={page.data} />
      )}
    </Page>
  );
}

function Subscription({ data }: { data: PageData }) {
  const { t } = useI18n();
  const { terms, subscription, statements } = data;
  const active = subscription.active_month !== null;
  return (
    <div className="subscription">
      <section className="plan-card" aria-labelledby="plan-title" data-testid="plan">
        <div className="plan-head">
          <h2 id="plan-title">{t("subscription.plan")}</h2>
          <p className="plan-price" data-testid="plan-price">
            {t("subscription.perMonth", { price: formatFen(terms.price) })}
          </p>
        </div>
        <ul className="plan-includes">
          <li>{t("subscription.includes.downloads")}</li>
          <li>{t("subscription.includes.split")}</li>
          <li>{t("subscription.includes.platform")}</li>
        </ul>
        <Status data={data} />
      </section>

      <Section title={t("subscription.limits")} testId="limits">
        <p className="muted">
          {t("subscription.cap", { cap: String(terms.daily_download_cap) })}
          {active &&
            ` · ${t("subscription.today", {
              used: String(subscription.downloads_today),
              cap: String(subscription.daily_download_cap),
            })}`}
        </p>
        <ul className="rules" data-testid="rules">
          {terms.rules.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
      </Section>

      <Section title={t("subscription.statements")} testId="statements">
        {statements.length === 0 ? (
          <p className="muted" data-testid="statements-empty">
            {t("subscription.statements.empty")}
          </p>
        ) : (
          statements.map((statement) => <Statement key={statement.month} statement={statement} />)
        )}
      </Section>
    </div>
  );
}

/** This month's state, with Subscribe (confirmed first) or Cancel. */
function Status({ data }: { data: PageData }) {
  const { t } = useI18n();
  const { subscription, terms } = data;
  const [confirming, setConfirming] = useState(false);
  const [attempt, setAttempt] = useState(newAttemptId);
  /** The month whose Alipay QR code is on screen. */
  const [paying, setPaying] = useState<string | null>(null);
  const [paymentStopped, setPaymentStopped] = useState<"failed" | "cancelled" | null>(null);
  const closePayment = useCallback(() => {
    setConfirming(false);
    setPaying(null);
  }, []);
  const paymentFailed = useCallback(() => {
    setPaymentStopped("failed");
    closePayment();
  }, [closePayment]);
  const paymentCancelled = useCallback(() => {
    setPaymentStopped("cancelled");
    closePayment();
  }, [closePayment]);
  const subscribe = useSubscribe();
  const cancel = useCancelSubscription();
  const failed = subscribe.error ?? cancel.error;
  const pending = subscription.periods.find((period) => period.status === "pending");
  return (
    <div className="plan-status" data-testid="subscription-status">
      {subscription.active_month ? (
        <p>
          <span className="badge badge-owned">✓ {t("subscription.active")}</span>{" "}
          {subscription.auto_renew
            ? t("subscription.renews", { month: subscription.active_month })
            : t("subscription.cancelled", { month: subscription.active_month })}
        </p>
      ) : pending ? (
        <p className="muted">
          {t("subscription.awaitingPayment", { month: pending.month })}{" "}
          <button
            type="button"
            className="link-button"
            data-testid="show-payment-code"
            onClick={() => {
              setPaymentStopped(null);
              setPaying(pending.id);
              setConfirming(true);
            }}
          >
            {t("subscription.showCode")}
          </button>
        </p>
      ) : (
        <p className="muted">{t("subscription.none")}</p>
      )}
      {failed && (
        <p className="form-error" role="alert" data-testid="subscription-error">
          {t(errorKey(errorCode(failed)))}
        </p>
      )}
      {paymentStopped && (
        <p className="form-error" role="alert" data-testid="payment-stopped">
          {paymentStopped === "cancelled" ? t("pay.cancelledMonth") : t("pay.failed")}
        </p>
      )}
      <div className="button-row">
        {!subscription.active_month && (
          <button
            type="button"
            className="button primary"
            data-testid="subscribe"
            onClick={() => setConfirming(true)}
          >
            {t("subscription.subscribe", { price: formatFen(terms.price) })}
          </button>
        )}
        {subscription.active_month && subscription.auto_renew && (
          <button
            type="button"
            className="button secondary"
            data-testid="cancel-subscription"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate()}
          >
            {t("subscription.cancel")}
          </button>
        )}
      </div>
      {confirming && (
        <Dialog
          title={paying ? t("pay.title") : t("subscription.confirm.title")}
          onClose={closePayment}
          dismissible={!subscribe.isPending}
          testId="subscribe-sheet"
        >
          {paying ? (
            <AwaitingPayment
              orderId={paying}
              onPaid={closePayment}
              onFailed={paymentFailed}
              onCancel={paymentCancelled}
            />
          ) : (
            <>
              <p>{t("subscription.confirm.body", { price: formatFen(terms.price) })}</p>
              <div className="button-row end">
                <button
                  type="button"
                  className="button secondary"
                  disabled={subscribe.isPending}
                  onClick={() => setConfirming(false)}
                >
                  {t("common.cancel")}
                </button>
                <button
                  type="button"
                  className="button primary"
                  data-testid="confirm-subscribe"
                  data-autofocus
                  disabled={subscribe.isPending}
                  aria-busy={subscribe.isPending}
                  onClick={() =>
                    subscribe.mutate(attempt, {
                      onSuccess: (period) => {
                        setAttempt(newAttemptId());
                        setPaymentStopped(null);
                        // Alipay: the month waits for the buyer to scan its code.
                        if (period.status === "pending") setPaying(period.id);
                        else setConfirming(false);
                      },
                      onError: () => setConfirming(false),
                    })
                  }
                >
                  {subscribe.isPending
                    ? t("buy.paying")
                    : t("buy.pay", { price: formatFen(terms.price) })}
                </button>
              </div>
            </>
          )}
        </Dialog>
      )}
    </div>
  );
}

/** Where one month's fee went: a bar per shop, exact amounts beside each. */
function Statement({ statement }: { statement: SubscriberStatement }) {
  const { t } = useI18n();
  const rows = [
    ...statement.lines.map((line) => ({
      key: line.shop_id,
      label: line.shop_name,
      detail: t("subscription.line.downloads", {
        yours: String(line.your_downloads),
        all: String(line.shop_downloads),
      }),
      amount: line.amount,
    })),
    ...(statement.other_shops > 0
      ? [
          {
            key: "other",
            label: t("subscription.otherShops"),
            detail: "",
            amount: statement.other_shops,
          },
        ]
      : []),
    ...(statement.carried_over > 0
      ? [
          {
            key: "carried",
            label: t("subscription.carried"),
            detail: "",
            amount: statement.carried_over,
          },
        ]
      : []),
  ];
  const fee = Math.max(statement.fee, 1);
  return (
    <article className="fee-statement" data-testid="fee-statement" data-month={statement.month}>
      <h3>
        {t("subscription.statement.title", {
          month: statement.month,
          fee: formatFen(statement.fee),
        })}
      </h3>
      <p className="muted small">
        {t("subscription.statement.pool", {
          pool: formatFen(statement.pool),
          yours: String(statement.your_downloads),
          all: String(statement.total_downloads),
        })}
      </p>
      <ul className="fee-bars" aria-label={t("subscription.statement.chart")}>
        {rows.map((row) => (
          <li key={row.key} className="fee-bar" data-testid="fee-line">
            <span className="fee-shop">
              {row.label}
              {row.detail && <span className="muted small"> · {row.detail}</span>}
            </span>
            <span className="fee-track" aria-hidden="true">
              <span
                className="fee-fill"
                style={{ width: `${Math.round((row.amount / fee) * 100)}%` }}
              />
            </span>
            <span className="fee-amount">{formatFen(row.amount)}</span>
          </li>
        ))}
      </ul>
    </article>
  );
}
