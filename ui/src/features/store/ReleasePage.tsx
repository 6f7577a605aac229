import { Link, useParams } from "react-router";
import { formatDuration } from "../../app/format";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { EmptyState } from "../../components/EmptyState";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { useI18n } from "../../i18n";
import { useRelease } from "../../ipc";
import { BackLink } from "./BackLink";
import { TrackList } from "./TrackList";

/** A release: its big cover, who made it, and its tracks in order with the total length. */
export function ReleasePage() {
  const { t } = useI18n();
  const { id = "" } = useParams();
  const page = useRelease(id);

  return (
    <div className="page wide" data-testid="release-page">
      <BackLink />
      {page.isPending ? (
        <Loading rows={5} />
      ) : page.isError ? (
        <ErrorNotice error={page.error} onRetry={() => page.refetch()} />
      ) : (
        (() => {
          const { release, tracks } = page.data;
          const totalMs =
            release.duration_ms > 0
              ? release.duration_ms
              : tracks.reduce((sum, track) => sum + track.duration_ms, 0);
          return (
            <>
              <header className="hero">
                <Cover
                  kind="release"
                  id={release.id}
                  hasCover={release.has_cover}
                  title={release.title}
                  size="xl"
                />
                <div className="hero-text">
                  <p className="kicker">{t("release.kicker")}</p>
                  <h1>{release.title}</h1>
                  <p className="hero-artists">{release.artists}</p>
                  <p className="hero-meta">
                    <Link to={paths.shop(release.shop_id)}>{release.shop_name}</Link>
                    <ShopKindBadge kind={release.shop_kind} />
                    <span aria-hidden="true">·</span>
                    <span>{release.genre}</span>
                  </p>
                  <p className="hero-meta muted" data-testid="release-length">
                    {t("release.summary", {
                      count: tracks.length,
                      length: formatDuration(totalMs / 1000),
                    })}
                  </p>
                  {release.description && <p className="hero-bio">{release.description}</p>}
                </div>
              </header>
              {tracks.length === 0 ? (
                <EmptyState title={t("release.empty.title")}>{t("release.empty.body")}</EmptyState>
              ) : (
                <TrackList tracks={tracks} label={t("release.tracks")} numbered showShop={false} />
              )}
            </>
          );
        })()
      )}
    </div>
  );
}
