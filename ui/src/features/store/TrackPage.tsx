import { Link, useParams } from "react-router";
import { formatClock } from "../../app/format";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { Section } from "../../components/Section";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import { useI18n } from "../../i18n";
import { type TrackView, useSubscriptionPage, useTrack } from "../../ipc";
import { BackLink } from "./BackLink";
import { DownloadPanel } from "./download";
import { parseLyrics } from "./lyrics";
import { BuyButton, useOwned, usePriceText } from "./purchase";

/** A track: cover, credits, price and Buy, and its lyrics. */
export function TrackPage() {
  const { id = "" } = useParams();
  const page = useTrack(id);
  return (
    <div className="page wide" data-testid="track-page">
      <BackLink />
      {page.isPending ? (
        <Loading rows={5} />
      ) : page.isError ? (
        <ErrorNotice error={page.error} onRetry={() => page.refetch()} />
      ) : (
        <TrackDetails track={page.data} />
      )}
    </div>
  );
}

function TrackDetails({ track }: { track: TrackView }) {
  const { t } = useI18n();
  const owned = useOwned();
  const priceText = usePriceText();
  const subscribed = useSubscriptionPage().data?.subscription.active_month != null;
  return (
    <>
      <header className="hero">
        <Cover
          kind="track"
          id={track.id}
          hasCover={track.has_cover}
          title={track.title}
          size="xl"
        />
        <div className="hero-text">
          <p className="kicker">{t("track.kicker")}</p>
          <h1>{track.title}</h1>
          <p className="hero-artists">{track.artists}</p>
          <p className="hero-meta">
            <Link to={paths.shop(track.shop_id)}>{track.shop_name}</Link>
            <ShopKindBadge kind={track.shop_kind} />
          </p>
          <div className="hero-buy">
            <span className="hero-price">{priceText(track.price)}</span>
            <BuyButton track={track} owned={owned.has(track.id)} size="large" />
          </div>
          <p className="hero-note">{t("buy.note", { shop: track.shop_name })}</p>
          {owned.has(track.id) ? (
            <DownloadPanel trackId={track.id} title={track.title} />
          ) : (
            subscribed && (
              <>
                <p className="hero-note" data-testid="included-note">
                  {t("subscription.included")}
                </p>
                <DownloadPanel trackId={track.id} title={track.title} />
              </>
            )
          )}
        </div>
      </header>

      <div className="track-sections">
        <Section title={t("track.credits")}>
          <dl className="facts">
            <dt>{t("track.artists")}</dt>
            <dd>{track.artists}</dd>
            <dt>{t("track.shop")}</dt>
            <dd>
              <Link to={paths.shop(track.shop_id)}>{track.shop_name}</Link>
            </dd>
            {track.release_id && track.release_title && (
              <>
                <dt>{t("track.release")}</dt>
                <dd>
                  <Link to={paths.release(track.release_id)}>{track.release_title}</Link>
                </dd>
              </>
            )}
            <dt>{t("track.genre")}</dt>
            <dd>{track.genre}</dd>
            <dt>{t("track.duration")}</dt>
            <dd>{track.duration_ms > 0 ? formatClock(track.duration_ms) : "–"}</dd>
            <dt>{t("track.price")}</dt>
            <dd>{priceText(track.price)}</dd>
            <dt>{t("track.downloads")}</dt>
            <dd>{track.downloads}</dd>
          </dl>
        </Section>
        <Section title={t("track.lyrics")}>
          <Lyrics source={track.lyrics} />
        </Section>
      </div>
    </>
  );
}

function Lyrics({ source }: { source: string | null }) {
  const { t } = useI18n();
  const lines = source ? parseLyrics(source).lines : [];
  if (lines.length === 0) return <p className="muted">{t("track.noLyrics")}</p>;
  return (
    <div className="lyrics" data-testid="lyrics">
      {lines.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lyric lines repeat; order is identity
        <p key={index} className={line.text ? undefined : "lyrics-gap"}>
          {line.text || "\u00a0"}
        </p>
      ))}
    </div>
  );
}
