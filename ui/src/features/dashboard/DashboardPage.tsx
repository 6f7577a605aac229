import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";

export function DashboardPage() {
  const { t } = useI18n();
  return (
    <Page title={t("dashboard.title")} lead={t("dashboard.lead")}>
      <EmptyState title={t("dashboard.empty.title")}>{t("dashboard.empty.body")}</EmptyState>
    </Page>
  );
}
