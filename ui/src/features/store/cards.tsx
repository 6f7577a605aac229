import { Link } from "react-router";
import { paths } from "../../app/paths";
import { Cover } from "../../components/Cover";
import { ShopKindBadge } from "../../components/ShopKindBadge";
import type { ReleaseView, ShopView } from "../../ipc";

/** A release in a grid: its cover forward, then title, artist and shop. */
export function ReleaseCard({ release }: { release: ReleaseView }) {
  return (
    <li className="release-card" data-testid="release-card" data-release-id={release.id}>
      <Link to={paths.release(release.id)} className="release-link">
        <Cover
          kind="release"
          id={release.id}
          hasCover={release.has_cover}
          title={release.title}
          size="md"
        />
        <span className="release-title">{release.title}</span>
      </Link>
      <span className="release-artists">{release.artists}</span>
      <Link to={paths.shop(release.shop_id)} className="release-shop">
        {release.shop_name}
      </Link>
    </li>
  );
}

export function ReleaseGrid({
  releases,
  label,
}: {
  releases: readonly ReleaseView[];
  label: string;
}) {
  return (
    <ul className="release-grid" aria-label={label}>
      {releases.map((release) => (
        <ReleaseCard key={release.id} release={release} />
      ))}
    </ul>
  );
}

/** A shop's monogram: the shop's first letter on its own tint. */
export function ShopMonogram({ shop, size = "md" }: { shop: ShopView; size?: "md" | "lg" }) {
  return (
    <span className={`monogram monogram-${size} monogram-${shop.kind}`} aria-hidden="true">
      {Array.from(shop.name.trim())[0] ?? "?"}
    </span>
  );
}

export function ShopCard({ shop }: { shop: ShopView }) {
  return (
    <li className="shop-card" data-testid="shop-card">
      <Link to={paths.shop(shop.id)} className="shop-card-link">
        <ShopMonogram shop={shop} />
        <span className="shop-card-text">
          <span className="shop-card-name">{shop.name}</span>
          <ShopKindBadge kind={shop.kind} />
        </span>
      </Link>
      {shop.bio && <p className="shop-card-bio">{shop.bio}</p>}
    </li>
  );
}
