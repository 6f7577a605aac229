import { Link } from "react-router";
import { paths } from "../../app/paths";
import { useI18n } from "../../i18n";

/** The way back to the store's front page from any store page. */
export function BackLink() {
  const { t } = useI18n();
  return (
    <Link to={paths.store} className="back-link">
      <span aria-hidden="true">← </span>
      {t("store.back")}
    </Link>
  );
}
