import { useEffect, useId, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { formatFen, formatRelative } from "../../app/format";
import { ReceiptIcon, SearchIcon } from "../../app/icons";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { Section } from "../../components/Section";
import { useDebounced, useNow } from "../../components/useNow";
import { useI18n } from "../../i18n";
import { type GenreCount, type RecentSale, useStoreHome, useTrackSearch } from "../../ipc";
import { ReleaseGrid, ShopCard } from "./cards";
import { TrackList } from "./TrackList";

/** How long typing must pause before the search runs. */
const SEARCH_DELAY_MS = 150;

/** The store: its front page, or search results while there is a query or a genre. */
export function StorePage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const genre = params.get("genre");
  const [text, setText] = useState(() => params.get("q") ?? "");
  const query = useDebounced(text.trim(), SEARCH_DELAY_MS);

  // Keep the address in step with the settled query (so Back returns to the results)…
  const written = useRef(query);
  useEffect(() => {
    if (query === written.current) return;
    written.current = query;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (query) next.set("q", query);
        else next.delete("q");
        return next;
      },
      { replace: true },
    );
  }, [query, setParams]);
  // …and follow the address when it changes by itself (a link, Back).
  const fromAddress = params.get("q") ?? "";
  useEffect(() => {
    if (fromAddress !== written.current) {
      written.current = fromAddress;
      setText(fromAddress);
    }
  }, [fromAddress]);

  const chooseGenre = (next: string | null) =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      if (next) updated.set("genre", next);
      else updated.delete("genre");
      return updated;
    });

  const searching = query !== "" || genre !== null;
  return (
    <Page
      title={t("store.title")}
      lead={t("store.lead")}
      testId="store-page"
      actions={
        <>
          <SearchBox value={text} onChange={setText} />
          <Link className="button secondary" to={paths.orders}>
            <ReceiptIcon />
            {t("orders.link")}
          </Link>
          <Link
            className="button secondary"
            to={paths.subscription}
            data-testid="subscription-link"
          >
            {t("subscription.link")}
          </Link>
        </>
      }
    >
      {searching ? (
        <SearchResults text={query} genre={genre} onClearGenre={() => chooseGenre(null)} />
      ) : (
        <StoreHome onGenre={chooseGenre} />
      )}
    </Page>
  );
}

function SearchBox({ value, onChange }: { value: string; onChange: (text: string) => void }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <search className="search-box">
      <label htmlFor={id} className="visually-hidden">
        {t("search.label")}
      </label>
      <SearchIcon />
      <input
        id={id}
        type="search"
        value={value}
        placeholder={t("search.placeholder")}
        autoComplete="off"
        spellCheck={false}
        data-testid="search-input"
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape" && value) {
            event.preventDefault();
            onChange("");
          }
        }}
      />
    </search>
  );
}

function SearchResults({
  text,
  genre,
  onClearGenre,
}: {
  text: string;
  genre: string | null;
  onClearGenre: () => void;
}) {
  const { t } = useI18n();
  const search = useTrackSearch(text, genre, true);
  const tracks = search.data?.pages.flatMap((page) => page.items) ?? [];
  const heading = text
    ? t("search.resultsFor", { text })
    : t("search.genre", { genre: genre ?? "" });

  return (
    <Section
      title={heading}
      testId="search-results"
      action={
        genre && (
          <button type="button" className="chip active" onClick={onClearGenre}>
            {genre}
            <span aria-hidden="true"> ×</span>
            <span className="visually-hidden">{t("search.clearGenre")}</span>
          </button>
        )
      }
    >
      {search.isPending ? (
        <Loading rows={5} />
      ) : search.isError ? (
        <ErrorNotice error={search.error} onRetry={() => search.refetch()} />
      ) : tracks.length === 0 ? (
        <EmptyState title={t("search.none.title")}>
          {text ? t("search.none.body", { text }) : t("search.none.genre")}
        </EmptyState>
      ) : (
        <>
          <TrackList tracks={tracks} label={heading} />
          {search.hasNextPage && (
            <button
              type="button"
              className="button secondary more"
              disabled={search.isFetchingNextPage}
              onClick={() => search.fetchNextPage()}
            >
              {search.isFetchingNextPage ? t("common.loading") : t("search.more")}
            </button>
          )}
        </>
      )}
    </Section>
  );
}

function StoreHome({ onGenre }: { onGenre: (genre: string) => void }) {
  const { t } = useI18n();
  const home = useStoreHome();

  if (home.isPending) return <Loading rows={6} label={t("store.loading")} />;
  if (home.isError) return <ErrorNotice error={home.error} onRetry={() => home.refetch()} />;

  const { new_releases, top_tracks, genres, featured_shops, selling_now } = home.data;
  if (new_releases.length === 0 && top_tracks.length === 0 && featured_shops.length === 0) {
    return <EmptyState title={t("store.empty.title")}>{t("store.empty.body")}</EmptyState>;
  }
  return (
    <div className="store-home" data-testid="store-home">
      {new_releases.length > 0 && (
        <Section title={t("store.newReleases")}>
          <ReleaseGrid releases={new_releases} label={t("store.newReleases")} />
        </Section>
      )}
      <div className="store-columns">
        {top_tracks.length > 0 && (
          <Section title={t("store.topTracks")} className="grow">
            <TrackList tracks={top_tracks} label={t("store.topTracks")} />
          </Section>
        )}
        <Section title={t("store.sellingNow")} className="side" testId="selling-now">
          <SellingNow sales={selling_now} />
        </Section>
      </div>
      {genres.length > 0 && (
        <Section title={t("store.genres")}>
          <GenreChips genres={genres} onGenre={onGenre} />
        </Section>
      )}
      {featured_shops.length > 0 && (
        <Section title={t("store.featuredShops")}>
          <ul className="shop-grid" aria-label={t("store.featuredShops")}>
            {featured_shops.map((shop) => (
              <ShopCard key={shop.id} shop={shop} />
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}

function GenreChips({
  genres,
  onGenre,
}: {
  genres: readonly GenreCount[];
  onGenre: (genre: string) => void;
}) {
  const { t } = useI18n();
  return (
    <ul className="chips" aria-label={t("store.genres")}>
      {genres.map(({ genre, tracks }) => (
        <li key={genre}>
          <button
            type="button"
            className="chip"
            data-testid="genre-chip"
            onClick={() => onGenre(genre)}
            aria-label={t("store.genreChip", { genre, count: tracks })}
          >
            {genre}
            <span className="chip-count" aria-hidden="true">
              {tracks}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Sales happening in the store right now (what sold, never who bought it). */
function SellingNow({ sales }: { sales: readonly RecentSale[] }) {
  const { t, language } = useI18n();
  const now = useNow(5_000);
  if (sales.length === 0) return <p className="muted">{t("store.sellingNow.empty")}</p>;
  return (
    <ol className="selling-now" aria-label={t("store.sellingNow")}>
      {sales.map((sale) => (
        <li key={`${sale.track_id}-${sale.at_ms}`} className="selling-row">
          <Cover
            kind="track"
            id={sale.track_id}
            hasCover={sale.has_cover}
            title={sale.track_title}
            size="sm"
          />
          <div className="selling-main">
            <Link to={paths.track(sale.track_id)} className="track-title">
              {sale.track_title}
            </Link>
            <span className="muted small">
              <Link to={paths.shop(sale.shop_id)}>{sale.shop_name}</Link>
            </span>
          </div>
          <div className="selling-meta">
            <span className="selling-price">
              {sale.price === 0 ? t("price.free") : formatFen(sale.price)}
            </span>
            <time className="muted small" dateTime={new Date(sale.at_ms).toISOString()}>
              {formatRelative(sale.at_ms, now, language)}
            </time>
          </div>
        </li>
      ))}
    </ol>
  );
}
