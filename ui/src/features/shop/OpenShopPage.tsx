import { useState } from "react";
import { Link } from "react-router";
import { paths } from "../../app/paths";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { useBackendStatus, useMyApplication } from "../../ipc";
import { ApplicationStatus } from "./ApplicationStatus";
import { ApplicationWizard } from "./ApplicationWizard";
import "./shop.css";

/**
 * Opening a shop: the wizard while the application is being written (or fixed after a
 * rejection), and its status once it is with the reviewers.
 */
export function OpenShopPage() {
  const { t } = useI18n();
  const status = useBackendStatus();
  const user = status.data?.user ?? null;
  const application = useMyApplication(user !== null);
  const [fixing, setFixing] = useState(false);

  const body = () => {
    if (!user) return <Loading rows={4} />;
    if (application.isPending) return <Loading rows={4} />;
    if (application.isError)
      return <ErrorNotice error={application.error} onRetry={() => application.refetch()} />;
    const current = application.data;
    if (user.shop_id && current?.state !== "approved") {
      return (
        <EmptyState
          title={t("shop.open.haveShop.title")}
          action={
            <Link className="button primary" to={paths.dashboard}>
              {t("shop.open.toDashboard")}
            </Link>
          }
        >
          {t("shop.open.haveShop.body")}
        </EmptyState>
      );
    }
    const writing = current === null || current.state === "draft";
    if (writing || (fixing && current.state === "rejected")) {
      return <ApplicationWizard application={current} onSubmitted={() => setFixing(false)} />;
    }
    return <ApplicationStatus application={current} onFix={() => setFixing(true)} />;
  };

  return (
    <Page title={t("shop.open.title")} lead={t("shop.open.lead")} testId="open-shop-page">
      {body()}
    </Page>
  );
}
