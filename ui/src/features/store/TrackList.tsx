import { Link } from "react-router";
import { formatClock } from "../../app/format";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import type { TrackView } from "../../ipc";
import { PreviewButton } from "./PreviewButton";
import { BuyButton, useOwned, usePriceText } from "./purchase";

/**
 * Tracks as rows: cover or number, title and artist, shop with its badge, length, price and
 * Buy (or Owned).
 */
export function TrackList({
  tracks,
  label,
  numbered = false,
  showShop = true,
}: {
  tracks: readonly TrackView[];
  label: string;
  /** Numbers rows by their track number (a release) instead of showing covers. */
  numbered?: boolean;
  showShop?: boolean;
}) {
  const owned = useOwned();
  const priceText = usePriceText();
  return (
    <ol className={showShop ? "track-list" : "track-list no-shop"} aria-label={label}>
      {tracks.map((track, index) => (
        <li key={track.id} className="track-row" data-testid="track-row" data-track-id={track.id}>
          {numbered ? (
            <span className="track-number" aria-hidden="true">
              {track.track_number ?? index + 1}
            </span>
          ) : (
            <Cover
              kind="track"
              id={track.id}
              hasCover={track.has_cover}
              title={track.title}
              size="sm"
            />
          )}
          <PreviewButton track={track} />
          <div className="track-main">
            <Link className="track-title" to={paths.track(track.id)}>
              {track.title}
            </Link>
            <span className="track-artists">{track.artists}</span>
          </div>
          {showShop && (
            <div className="track-shop">
              <Link to={paths.shop(track.shop_id)}>{track.shop_name}</Link>
              <ShopKindBadge kind={track.shop_kind} />
            </div>
          )}
          <span className="track-length">
            {track.duration_ms > 0 ? formatClock(track.duration_ms) : "–"}
          </span>
          <span className="track-price">{priceText(track.price)}</span>
          <span className="track-action">
            <BuyButton track={track} owned={owned.has(track.id)} />
          </span>
        </li>
      ))}
    </ol>
  );
}
