import { type CSSProperties, useState } from "react";
import { coverUrl } from "../ipc";
import { hueOf } from "./hue";

/**
 * Cover art, square. When there is none (or it fails to load) a tinted tile with the
 * title's first letter stands in. Decorative: the title is always written next to it.
 */
export function Cover({
  kind,
  id,
  hasCover,
  title,
  size = "md",
}: {
  kind: "track" | "release" | "library";
  id: string;
  hasCover: boolean;
  title: string;
  size?: "sm" | "md" | "lg" | "xl";
}) {
  const [failedId, setFailedId] = useState<string | null>(null);
  const showImage = hasCover && failedId !== id;
  const style = { "--cover-hue": hueOf(id) } as CSSProperties;
  return (
    <div className={`cover cover-${size}`} style={style} data-placeholder={!showImage}>
      {showImage ? (
        <img src={coverUrl(kind, id)} alt="" loading="lazy" onError={() => setFailedId(id)} />
      ) : (
        <span className="cover-initial" aria-hidden="true">
          {Array.from(title.trim())[0] ?? "♪"}
        </span>
      )}
    </div>
  );
}
