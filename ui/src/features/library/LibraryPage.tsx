import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";

export function LibraryPage() {
  const { t } = useI18n();
  return (
    <Page title={t("library.title")} lead={t("library.lead")}>
      <EmptyState title={t("library.empty.title")}>{t("library.empty.body")}</EmptyState>
    </Page>
  );
}
