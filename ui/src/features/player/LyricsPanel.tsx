import { useEffect, useRef } from "react";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { useLyrics } from "../../ipc";
import { parseLyrics } from "../store/lyrics";

/** The lyrics of the track playing; synced (LRC) lines follow the position. */
export function LyricsPanel({
  trackId,
  positionMs,
}: {
  trackId: string | null;
  positionMs: number;
}) {
  const { t } = useI18n();
  const lyrics = useLyrics(trackId);
  const currentRef = useRef<HTMLLIElement>(null);
  const parsed = lyrics.data ? parseLyrics(lyrics.data) : null;
  let current = -1;
  if (parsed?.synced) {
    parsed.lines.forEach((line, index) => {
      if (line.atMs !== null && line.atMs <= positionMs) current = index;
    });
  }
  useEffect(() => {
    if (current >= 0) currentRef.current?.scrollIntoView?.({ block: "center", behavior: "smooth" });
  }, [current]);

  if (trackId === null) return <p className="hint">{t("lyrics.nothing")}</p>;
  if (lyrics.isPending) return <Loading rows={4} />;
  if (lyrics.error)
    return <ErrorNotice error={lyrics.error} onRetry={() => void lyrics.refetch()} />;
  if (!parsed || parsed.lines.length === 0) return <p className="hint">{t("lyrics.none")}</p>;
  return (
    <ol className="lyrics" data-testid="lyrics" aria-label={t("lyrics.title")}>
      {parsed.lines.map((line, index) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: lines repeat; their order is fixed
          key={index}
          ref={index === current ? currentRef : undefined}
          className={index === current ? "lyric current" : "lyric"}
          aria-current={index === current ? "true" : undefined}
        >
          {line.text || "\u00a0"}
        </li>
      ))}
    </ol>
  );
}
