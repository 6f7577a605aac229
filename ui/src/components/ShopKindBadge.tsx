import { useI18n } from "../i18n";
import type { ShopKindView } from "../ipc";

/** Independent musician or record label: every shop wears one. */
export function ShopKindBadge({ kind }: { kind: ShopKindView }) {
  const { t } = useI18n();
  return (
    <span className={`badge badge-${kind}`}>
      {kind === "label" ? t("shop.kind.label") : t("shop.kind.independent")}
    </span>
  );
}
