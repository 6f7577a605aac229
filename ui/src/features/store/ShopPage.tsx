import { useParams } from "react-router";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { Section } from "../../components/Section";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { useI18n } from "../../i18n";
import { useShop } from "../../ipc";
import { BackLink } from "./BackLink";
import { ReleaseGrid, ShopMonogram } from "./cards";
import { TrackList } from "./TrackList";

/** A shop: who they are, what kind of shop, their releases and tracks. */
export function ShopPage() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const page = useShop(id);

  return (
    <div className="page wide" data-testid="shop-page">
      <BackLink />
      {page.isPending ? (
        <Loading rows={5} />
      ) : page.isError ? (
        <ErrorNotice error={page.error} onRetry={() => page.refetch()} />
      ) : (
        <>
          <header className="hero">
            <ShopMonogram shop={page.data.shop} size="lg" />
            <div className="hero-text">
              <p className="kicker">{t("shop.kicker")}</p>
              <h1>{page.data.shop.name}</h1>
              <ShopKindBadge kind={page.data.shop.kind} />
              {page.data.shop.bio && <p className="hero-bio">{page.data.shop.bio}</p>}
              <p className="hero-note">
                {page.data.shop.kind === "label"
                  ? t("shop.note.label")
                  : t("shop.note.independent")}
              </p>
            </div>
          </header>
          {page.data.releases.length === 0 && page.data.tracks.length === 0 ? (
            <EmptyState title={t("shop.empty.title")}>{t("shop.empty.body")}</EmptyState>
          ) : (
            <>
              {page.data.releases.length > 0 && (
                <Section title={t("shop.releases")}>
                  <ReleaseGrid releases={page.data.releases} label={t("shop.releases")} />
                </Section>
              )}
              {page.data.tracks.length > 0 && (
                <Section title={t("shop.tracks")}>
                  <TrackList tracks={page.data.tracks} label={t("shop.tracks")} showShop={false} />
                </Section>
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}
