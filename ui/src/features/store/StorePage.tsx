import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";

export function StorePage() {
  const { t } = useI18n();
  return (
    <Page title={t("store.title")} lead={t("store.lead")}>
      <EmptyState title={t("store.empty.title")}>{t("store.empty.body")}</EmptyState>
    </Page>
  );
}
